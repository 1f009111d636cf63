using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Reports;

/// <summary>One provisioning_events row as written, with the identifier keys it is searched by.</summary>
internal sealed record EventRow(
    string OccurredAt, string DirectoryId, string AppId, string AppName, string AppNameKey, string Direction, string Operation, string Outcome,
    string ResourceType, string? ResourceId, string? Subject, string? Email, string? ExternalId, string? Changes, int? ErrorStatus, string? ErrorScimType,
    string? ErrorDetail, string CorrelationId, IReadOnlyCollection<string> Identifiers)
{
    public const string Columns =
        "occurred_at, directory_id, app_id, app_name, app_name_key, direction, operation, outcome, resource_type, resource_id, subject, email, external_id, " +
        "changes, error_status, error_scim_type, error_detail, correlation_id";

    public const string Parameters =
        "@OccurredAt, @DirectoryId, @AppId, @AppName, @AppNameKey, @Direction, @Operation, @Outcome, @ResourceType, @ResourceId, @Subject, @Email, " +
        "@ExternalId, @Changes, @ErrorStatus, @ErrorScimType, @ErrorDetail, @CorrelationId";

    public object?[] Values() =>
    [
        OccurredAt, DirectoryId, AppId, AppName, AppNameKey, Direction, Operation, Outcome, ResourceType, ResourceId, Subject, Email, ExternalId,
        Changes, ErrorStatus, ErrorScimType, ErrorDetail, CorrelationId,
    ];
}

/// <summary>
/// SQLite: the events of a group-commit batch in two statements — events with ids numbered on from the table's
/// AUTOINCREMENT sequence (the batch holds the database's write lock, so nobody else takes one), then their
/// identifiers.
/// </summary>
internal sealed class SqliteEventBatch : BatchedInsert
{
    public static readonly SqliteEventBatch Instance = new();

    private const int EventsPerStatement = 400;
    private const int IdentifiersPerStatement = 2000;
    private static readonly int ColumnCount = EventRow.Columns.Split(',').Length;

    public override void Flush(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<object> rows)
    {
        var events = rows.Cast<EventRow>().ToList();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'provisioning_events'), 0), COALESCE((SELECT MAX(id) FROM provisioning_events), 0))";
        var first = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) + 1;

        foreach (var chunk in events.Select((e, i) => (Event: e, Id: first + i)).Chunk(EventsPerStatement))
        {
            Insert(connection, transaction, $"INSERT INTO provisioning_events (id, {EventRow.Columns}) VALUES ", ColumnCount + 1,
                chunk.Select(c => (object?[])[c.Id, .. c.Event.Values()]).ToList());
        }

        var identifiers = events.SelectMany((e, i) => e.Identifiers.Select(key => (object?[])[key, first + i])).ToList();
        foreach (var chunk in identifiers.Chunk(IdentifiersPerStatement))
        {
            Insert(connection, transaction, "INSERT OR IGNORE INTO provisioning_event_identifiers (identifier_key, event_id) VALUES ", 2, chunk);
        }
    }

    /// <summary>One multi-row INSERT … VALUES (…), (…) with positional parameters.</summary>
    private static void Insert(SqliteConnection connection, SqliteTransaction transaction, string head, int width, IReadOnlyList<object?[]> rows)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder(head);
        var n = 0;
        foreach (var row in rows)
        {
            sql.Append(n == 0 ? "(" : ", (");
            for (var c = 0; c < width; c++)
            {
                var name = "$p" + n.ToString(CultureInfo.InvariantCulture);
                sql.Append(c == 0 ? name : ", " + name);
                command.Parameters.AddWithValue(name, row[c] ?? DBNull.Value);
                n++;
            }

            sql.Append(')');
        }

        command.CommandText = sql.ToString();
        command.ExecuteNonQuery();
    }
}
