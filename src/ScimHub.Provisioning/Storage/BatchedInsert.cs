using Microsoft.Data.Sqlite;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Rows that the writers of one SQLite batch add one by one and that are inserted together, in one statement per
/// table, just before the batch commits (see <see cref="SqliteWriter"/>). They commit with the batch or not at all,
/// exactly as if each writer had inserted its own, but a batch of 32 writers prepares two statements instead of 64.
/// </summary>
internal abstract class BatchedInsert
{
    /// <summary>Inserts the rows (in the order the writers committed) into the open batch transaction.</summary>
    public abstract void Flush(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<object> rows);
}
