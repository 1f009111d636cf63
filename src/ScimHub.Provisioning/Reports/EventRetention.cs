using System.Globalization;
using System.Text.Json;
using Dapper;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Reports;

/// <summary>
/// Deletes provisioning events older than the retention period, a bounded batch per transaction, so that
/// provisioning writes queue behind one short batch at most, never behind the whole purge. Identifier rows have no
/// index by event (it would cost every write a second index entry): each event lists its keys, and the purge deletes
/// those rows by primary key.
/// </summary>
public sealed class EventRetention(Database database, ReportOptions options, TimeProvider time)
{
    /// <summary>The oldest time kept now, or null when <see cref="ReportOptions.RetentionDays"/> is 0 (keep forever).</summary>
    public DateTimeOffset? Cutoff => options.RetentionDays > 0 ? time.GetUtcNow() - TimeSpan.FromDays(options.RetentionDays) : null;

    /// <summary>Purges every event that occurred before <paramref name="cutoff"/>, with its identifier rows; returns how many.</summary>
    public async Task<long> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var batch = Math.Max(1, options.PurgeBatchSize);
        var purged = 0L;
        while (true)
        {
            await using var write = await database.BeginAsync(cancellationToken);
            var events = (await write.Connection.QueryAsync<(long Id, string? Keys)>(
                $"SELECT id, identifier_keys FROM provisioning_events WHERE occurred_at < @cutoff ORDER BY occurred_at, id LIMIT {database.Dialect.RowCount("@batch")}",
                new { cutoff = Timestamps.Format(cutoff), batch }, write.Transaction)).ToList();
            if (events.Count == 0)
            {
                return purged;
            }

            // Each identifier row by its primary key: the cost is what is purged, whatever the table's size.
            var keys = events.SelectMany(e => (e.Keys is null ? [] : JsonSerializer.Deserialize<string[]>(e.Keys) ?? []).Select(key => new { key, e.Id })).ToList();
            await write.Connection.ExecuteAsync("DELETE FROM provisioning_event_identifiers WHERE identifier_key = @key AND event_id = @Id", keys, write.Transaction);
            var ids = database.Dialect.ListParameter(events.Select(e => e.Id.ToString(CultureInfo.InvariantCulture)));
            await write.Connection.ExecuteAsync(
                $"DELETE FROM provisioning_events WHERE id IN (SELECT CAST(k.value AS bigint) FROM ({database.Dialect.ListValues("@ids")}) AS k)", new { ids }, write.Transaction);
            await write.CommitAsync(cancellationToken);
            purged += events.Count;
            if (events.Count < batch)
            {
                return purged;
            }
        }
    }
}
