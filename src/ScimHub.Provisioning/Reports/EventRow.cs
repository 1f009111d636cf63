using System.Globalization;
using System.Text.Json;
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
        "changes, error_status, error_scim_type, error_detail, correlation_id, identifier_keys";

    public const string Parameters =
        "@OccurredAt, @DirectoryId, @AppId, @AppName, @AppNameKey, @Direction, @Operation, @Outcome, @ResourceType, @ResourceId, @Subject, @Email, " +
        "@ExternalId, @Changes, @ErrorStatus, @ErrorScimType, @ErrorDetail, @CorrelationId, @IdentifierKeys";

    /// <summary>
    /// The identifier keys as stored with the event (a JSON array), so that the purge can delete exactly them; built
    /// with the row, i.e. before the write slot where the row can be prepared early.
    /// </summary>
    public string? IdentifierKeys { get; } = Identifiers.Count == 0 ? null : JsonSerializer.Serialize(Identifiers);

    public object?[] Values() =>
    [
        OccurredAt, DirectoryId, AppId, AppName, AppNameKey, Direction, Operation, Outcome, ResourceType, ResourceId, Subject, Email, ExternalId,
        Changes, ErrorStatus, ErrorScimType, ErrorDetail, CorrelationId, IdentifierKeys,
    ];
}

/// <summary>
/// SQLite: the events of a group-commit batch through two statements, each prepared once and run per row (binding
/// by position is what SQLite does fastest; one huge multi-row statement binds names in quadratic time). Event ids
/// are numbered on from the table's AUTOINCREMENT sequence: the batch holds the database's write lock.
/// </summary>
internal sealed class SqliteEventBatch : BatchedInsert
{
    public static readonly SqliteEventBatch Instance = new();

    private static readonly string[] ColumnNames = EventRow.Columns.Split(',', StringSplitOptions.TrimEntries);

    public override void Flush(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<object> rows)
    {
        using var next = Command(connection, transaction,
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'provisioning_events'), 0), COALESCE((SELECT MAX(id) FROM provisioning_events), 0))");
        var id = Convert.ToInt64(next.ExecuteScalar(), CultureInfo.InvariantCulture);

        using var insertEvent = Command(connection, transaction,
            $"INSERT INTO provisioning_events (id, {EventRow.Columns}) VALUES ($id, {string.Join(", ", ColumnNames.Select(c => "$" + c))})");
        var eventId = insertEvent.Parameters.Add("$id", SqliteType.Integer);
        // Untyped: each value binds as what it is (text, or the integer error status).
        var values = ColumnNames.Select(c => insertEvent.Parameters.Add(new SqliteParameter { ParameterName = "$" + c })).ToArray();
        using var insertKey = Command(connection, transaction, "INSERT OR IGNORE INTO provisioning_event_identifiers (identifier_key, event_id) VALUES ($key, $event)");
        var key = insertKey.Parameters.Add("$key", SqliteType.Text);
        var keyEvent = insertKey.Parameters.Add("$event", SqliteType.Integer);
        insertEvent.Prepare();
        insertKey.Prepare();

        foreach (var row in rows.Cast<EventRow>())
        {
            id++;
            eventId.Value = id;
            var rowValues = row.Values();
            for (var i = 0; i < values.Length; i++)
            {
                values[i].Value = rowValues[i] ?? DBNull.Value;
            }

            insertEvent.ExecuteNonQuery();
            keyEvent.Value = id;
            foreach (var identifier in row.Identifiers)
            {
                key.Value = identifier;
                insertKey.ExecuteNonQuery();
            }
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
