namespace ScimHub.Provisioning.Reports;

/// <summary>The <c>Reports</c> configuration section (environment: <c>Reports__RetentionDays</c>, ...).</summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>
    /// Whether provisioning events are recorded (default). Turning it off loses the audit trail; it exists to measure
    /// what recording costs (bench/run --events off).
    /// </summary>
    public bool Record { get; set; } = true;

    /// <summary>Events older than this many days are purged.</summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>How often the purge runs.</summary>
    public int PurgeIntervalMinutes { get; set; } = 60;

    /// <summary>Events deleted per purge transaction: small enough that provisioning writes never wait long behind one.</summary>
    public int PurgeBatchSize { get; set; } = 1000;

    /// <summary>Refuses settings the purge cannot work with, naming the setting (the server checks them at start).</summary>
    public void Validate()
    {
        if (RetentionDays is < 0 or > 36_500)
        {
            throw new InvalidOperationException($"Reports:RetentionDays must be 0 (keep forever) to 36500 days; it is {RetentionDays}.");
        }

        if (PurgeIntervalMinutes is < 1 or > 10_080)
        {
            throw new InvalidOperationException($"Reports:PurgeIntervalMinutes must be 1 to 10080 (a week); it is {PurgeIntervalMinutes}.");
        }

        if (PurgeBatchSize is < 1 or > 100_000)
        {
            throw new InvalidOperationException($"Reports:PurgeBatchSize must be 1 to 100000; it is {PurgeBatchSize}.");
        }
    }
}
