namespace ScimHub.Bench;

/// <summary>
/// What one burst of requests measured, including the CPU time the server process spent meanwhile and how busy the
/// machine's cores were (below ~95 %, something other than CPU time held the scenario back), and for how much of the
/// time the hub's SQLite write slot was held (near 100 %: writes queued for it) and how many writes each group commit
/// took on average; and, from the hub's runtime, the bytes it allocated per request and the share of the time its
/// garbage collections paused it (every thread stops).
/// </summary>
internal sealed record LoadResult(int Requests, int Errors, TimeSpan Elapsed, double P50Ms, double P99Ms, double FirstMs, double LastMs, TimeSpan ServerCpu, double MachineBusy,
    double? SlotBusy, double? WritesPerBatch, double? AllocatedPerRequest, double? GcPaused)
{
    public double PerSecond => Requests / Elapsed.TotalSeconds;

    /// <summary>
    /// The server's CPU time per request (all its threads, user and system), in microseconds: what a request costs
    /// the server itself, steadier from run to run than a rate on a machine whose other tenants come and go.
    /// </summary>
    public double ServerCpuUs => ServerCpu.TotalMicroseconds / Requests;
}
