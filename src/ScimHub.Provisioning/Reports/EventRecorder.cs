using System.Text.Json.Nodes;
using Dapper;
using ScimHub.Core;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Reports;

/// <summary>
/// Writes provisioning events. A change's events go into the change's own transaction (<see cref="RecordAsync(WriteTransaction, EventContext, EventDraft, DateTimeOffset)"/>):
/// both are kept or neither. A rejected request changed nothing, so its failure event gets a transaction of its own.
/// </summary>
public sealed class EventRecorder(Database database, ReportOptions options, TimeProvider time)
{
    public Task RecordAsync(WriteTransaction write, EventContext context, EventDraft draft, DateTimeOffset at) =>
        RecordAsync(write, context, Prepare(context, draft, at));

    /// <summary>The row of an event, built (changes serialised) before the write slot is taken, where that can be done.</summary>
    internal static EventRow Prepare(EventContext context, EventDraft draft, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(draft);
        return new EventRow(
            Timestamps.Format(at), context.App.DirectoryId, context.App.AppId, context.App.AppName, context.App.AppName.ToLowerInvariant(), context.Direction,
            draft.Operation, draft.Outcome, draft.ResourceType, draft.ResourceId, draft.Subject, draft.Email, draft.ExternalId,
            draft.Changes,
            draft.ErrorStatus, draft.ErrorScimType, draft.ErrorDetail, context.CorrelationId, draft.Identifiers);
    }

    /// <summary>Records the event of a change: once the write commits, the context knows its change is made.</summary>
    internal Task RecordAsync(WriteTransaction write, EventContext context, EventRow row)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(context);
        write.AfterCommit(context.MarkCommitted);
        return InsertAsync(write, row);
    }

    private async Task InsertAsync(WriteTransaction write, EventRow row)
    {
        if (!options.Record)
        {
            return;
        }

        if (write.CanDefer)
        {
            // SQLite: inserted with the other events of the group-commit batch, just before its COMMIT.
            write.Defer(SqliteEventBatch.Instance, row);
            return;
        }

        // PostgreSQL: the event and its identifier rows in one statement (one round trip).
        var args = new DynamicParameters(row);
        args.Add("keys", database.Dialect.ListParameter(row.Identifiers));
        await write.Connection.ExecuteAsync(
            $"""
            WITH e AS (INSERT INTO provisioning_events ({EventRow.Columns}) VALUES ({EventRow.Parameters}) RETURNING id)
            INSERT INTO provisioning_event_identifiers (identifier_key, event_id)
            SELECT k.value, e.id FROM e, ({database.Dialect.ListValues("@keys")}) AS k
            ON CONFLICT (identifier_key, event_id) DO NOTHING
            """,
            args, write.Transaction);
    }

    /// <summary>
    /// Records a request the hub refused (its change was not made). The resource's stored identifiers are added when
    /// it exists, so that a failed update of alice is found by searching for alice.
    /// </summary>
    public async Task RecordRejectedAsync(EventContext context, EventDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(draft);
        if (!options.Record)
        {
            return;
        }

        await using var write = await database.BeginAsync(cancellationToken);
        if (draft.ResourceId is not null)
        {
            var table = draft.ResourceType == ScimConstants.UserResource ? "users" : "groups";
            var stored = await write.Connection.ExecuteScalarAsync<string?>(
                $"SELECT resource FROM {table} WHERE directory_id = @DirectoryId AND id = @ResourceId",
                new { context.DirectoryId, draft.ResourceId }, write.Transaction);
            if (stored is not null && JsonNode.Parse(stored) is JsonObject attributes)
            {
                var known = draft.ResourceType == ScimConstants.UserResource
                    ? EventDraft.ForUser(draft.Operation, draft.ResourceId, attributes)
                    : EventDraft.ForGroup(draft.Operation, draft.ResourceId, attributes);
                draft = draft with
                {
                    Subject = draft.Subject ?? known.Subject,
                    Email = draft.Email ?? known.Email,
                    ExternalId = draft.ExternalId ?? known.ExternalId,
                    Identifiers = [.. draft.Identifiers.Union(known.Identifiers)],
                };
            }
        }

        await InsertAsync(write, Prepare(context, draft, time.GetUtcNow()));
        await write.CommitAsync(cancellationToken);
    }
}
