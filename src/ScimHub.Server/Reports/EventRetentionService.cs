using ScimHub.Provisioning.Reports;

namespace ScimHub.Server.Reports;

/// <summary>
/// Runs the retention purge of the Provisioning Report shortly after start and then every
/// <see cref="ReportOptions.PurgeIntervalMinutes"/>, and logs what it purged. On several nodes each runs it; the
/// batches are idempotent deletes, so they only share the work.
/// </summary>
internal sealed class EventRetentionService(EventRetention retention, ReportOptions options, TimeProvider time, ILogger<EventRetentionService> logger) : BackgroundService
{
    private readonly TaskCompletionSource firstPurge = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the purge run at start has ended (whatever it purged, or if it failed).</summary>
    public Task FirstPurge => firstPurge.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Max(1, options.PurgeIntervalMinutes)), time);
        do
        {
            await PurgeOnceAsync(stoppingToken);
            firstPurge.TrySetResult();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task PurgeOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (retention.Cutoff is not { } cutoff)
            {
                return;
            }

            var purged = await retention.PurgeAsync(cutoff, stoppingToken);
            if (purged > 0 && logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Retention purge: deleted {Count} provisioning events older than {Cutoff:O} (Reports:RetentionDays = {Days}).", purged, cutoff, options.RetentionDays);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
#pragma warning disable CA1031 // A purge that fails (database busy or down) is tried again at the next interval.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            logger.LogWarning(exception, "Retention purge of provisioning events failed; it runs again in {Minutes} minutes.", options.PurgeIntervalMinutes);
        }
    }
}
