using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Opens connections to the hub's database, set up the same way every time. SQLite runs in WAL mode with
/// <c>synchronous=FULL</c>, so that an acknowledged write survives a crash of the process or the machine.
/// </summary>
public sealed class Database
{
    private readonly string connectionString;

    public Database(string connectionString)
    {
        this.connectionString = connectionString;
        Dialect = SqlDialect.Sqlite;
    }

    public SqlDialect Dialect { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // scim_lower: Unicode-aware lower case, as C# and PostgreSQL's lower() do it (SQLite's own is ASCII-only).
        connection.CreateFunction("scim_lower", (string? text) => text?.ToLowerInvariant(), isDeterministic: true);
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Opens a connection and starts a write transaction (SQLite: BEGIN IMMEDIATE, so writers queue up front).</summary>
    public async Task<(DbConnection Connection, DbTransaction Transaction)> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        return (connection, transaction);
    }
}
