using Dapper;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Reports;

/// <summary>
/// Deletes provisioning events older than the retention period, a bounded batch per transaction, so that
/// provisioning writes queue behind one short batch at most, never behind the whole purge.
/// </summary>
public sealed class EventRetention(Database database, ReportOptions options, TimeProvider time)
{
    /// <summary>The oldest time kept now, or null when <see cref="ReportOptions.RetentionDays"/> is 0 (keep forever).</summary>
    public DateTimeOffset? Cutoff => options.RetentionDays > 0 ? time.GetUtcNow() - TimeSpan.FromDays(options.RetentionDays) : null;

    /// <summary>Purges every event that occurred before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<long> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var batch = Math.Max(1, options.PurgeBatchSize);
        var purged = 0L;
        while (true)
        {
            await using var write = await database.BeginAsync(cancellationToken);
            var ids = (await write.Connection.QueryAsync<long>(
                "SELECT id FROM provisioning_events WHERE occurred_at < @cutoff ORDER BY occurred_at, id LIMIT @batch",
                new { cutoff = Timestamps.Format(cutoff), batch }, write.Transaction)).ToList();
            if (ids.Count == 0)
            {
                return purged;
            }

            var args = new { ids = database.Dialect.ListParameter(ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))) };
            var list = $"SELECT CAST(k.value AS bigint) FROM ({database.Dialect.ListValues("@ids")}) AS k";
            await write.Connection.ExecuteAsync($"DELETE FROM provisioning_event_identifiers WHERE event_id IN ({list})", args, write.Transaction);
            await write.Connection.ExecuteAsync($"DELETE FROM provisioning_events WHERE id IN ({list})", args, write.Transaction);
            await write.CommitAsync(cancellationToken);
            purged += ids.Count;
            if (ids.Count < batch)
            {
                return purged;
            }
        }
    }
}
