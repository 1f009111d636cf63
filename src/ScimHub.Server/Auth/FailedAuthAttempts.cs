using System.Threading.RateLimiting;

namespace ScimHub.Server.Auth;

/// <summary>
/// Counts failed authentications (bad bearer token, bad admin key, bad OAuth client) per client address. Past
/// <c>Auth:FailedAttemptsPerMinute</c> (default 30) in a minute, further <em>failures</em> from that address are
/// answered 429 with Retry-After instead of 401. Credentials are still checked on every request, so a valid provider
/// is never throttled — not even one that shares an egress address (Entra ID's are shared by all tenants) with a
/// misconfigured or hostile client. Behind a reverse proxy the address is the proxy's unless forwarded headers are
/// configured.
/// </summary>
internal sealed class FailedAuthAttempts : IDisposable
{
    public const int DefaultPerMinute = 30;

    /// <summary>What an address over its limit is told (with Retry-After: 60).</summary>
    public const string TooMany = "Too many failed authentication attempts from this address; retry in a minute.";

    private readonly PartitionedRateLimiter<string> limiter;

    public FailedAuthAttempts(IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Auth:FailedAttemptsPerMinute", DefaultPerMinute);
        if (perMinute < 1)
        {
            throw new InvalidOperationException($"Auth:FailedAttemptsPerMinute must be 1 or more; got {perMinute}.");
        }

        limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
    }

    /// <summary>Counts a failure of this request's address; false when the address is over its limit (answer 429).</summary>
    public bool Record(HttpContext context)
    {
        using var lease = limiter.AttemptAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return lease.IsAcquired;
    }

    public void Dispose() => limiter.Dispose();
}
