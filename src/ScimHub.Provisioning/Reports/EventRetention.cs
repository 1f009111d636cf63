using Dapper;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Reports;

/// <summary>
/// Deletes provisioning events older than the retention period, a bounded batch per transaction, so that
/// provisioning writes queue behind one short batch at most, never behind the whole purge. Identifier rows are not
/// indexed by event (that would cost every write a second index entry); after events are purged, the identifier
/// table is swept in key order, a bounded chunk per transaction, deleting the rows whose event is gone.
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
            await write.Connection.ExecuteAsync(
                $"DELETE FROM provisioning_events WHERE id IN (SELECT CAST(k.value AS bigint) FROM ({database.Dialect.ListValues("@ids")}) AS k)", args, write.Transaction);
            await write.CommitAsync(cancellationToken);
            purged += ids.Count;
            if (ids.Count < batch)
            {
                break;
            }
        }

        if (purged > 0)
        {
            await SweepIdentifiersAsync(batch * 5, cancellationToken);
        }

        return purged;
    }

    /// <summary>Deletes identifier rows whose event was purged, walking the table's primary key a chunk at a time.</summary>
    private async Task SweepIdentifiersAsync(int chunk, CancellationToken cancellationToken)
    {
        var (key, eventId) = ("", 0L);
        while (true)
        {
            await using var write = await database.BeginAsync(cancellationToken);
            var rows = (await write.Connection.QueryAsync<(string Key, long EventId, long Orphan)>(
                """
                SELECT i.identifier_key, i.event_id, CASE WHEN EXISTS (SELECT 1 FROM provisioning_events e WHERE e.id = i.event_id) THEN 0 ELSE 1 END
                FROM provisioning_event_identifiers i
                WHERE (i.identifier_key, i.event_id) > (@key, @eventId)
                ORDER BY i.identifier_key, i.event_id LIMIT @chunk
                """,
                new { key, eventId, chunk }, write.Transaction)).ToList();
            var orphans = rows.Where(r => r.Orphan == 1).Select(r => new { r.Key, r.EventId }).ToList();
            if (orphans.Count > 0)
            {
                await write.Connection.ExecuteAsync(
                    "DELETE FROM provisioning_event_identifiers WHERE identifier_key = @Key AND event_id = @EventId", orphans, write.Transaction);
            }

            await write.CommitAsync(cancellationToken);
            if (rows.Count < chunk)
            {
                return;
            }

            (key, eventId) = (rows[^1].Key, rows[^1].EventId);
        }
    }
}
