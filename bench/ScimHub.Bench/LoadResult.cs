namespace ScimHub.Bench;

/// <summary>What one burst of requests measured.</summary>
internal sealed record LoadResult(int Requests, int Errors, TimeSpan Elapsed, double P50Ms, double P99Ms, double FirstMs, double LastMs)
{
    public double PerSecond => Requests / Elapsed.TotalSeconds;
}
