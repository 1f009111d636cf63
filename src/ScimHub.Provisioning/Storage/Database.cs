using System.Data.Common;
using Microsoft.Data.Sqlite;
using ScimHub.Core.Errors;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Opens connections to the hub's database, set up the same way every time. SQLite runs in WAL mode with
/// <c>synchronous=FULL</c>, so that an acknowledged write survives a crash of the process or the machine.
/// </summary>
public sealed class Database : IDisposable
{
    private readonly string connectionString;
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly TimeSpan busyTimeout;

    public Database(string connectionString)
    {
        this.connectionString = connectionString;
        Dialect = SqlDialect.Sqlite;
        busyTimeout = TimeSpan.FromSeconds(new SqliteConnectionStringBuilder(connectionString).DefaultTimeout);
    }

    public SqlDialect Dialect { get; }

    public void Dispose() => writeGate.Dispose();

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

    /// <summary>
    /// Opens a connection and starts a write transaction. SQLite has one writer at a time, so writers of this process
    /// queue here first (no busy polling and its sleeps); BEGIN IMMEDIATE then takes the database's write lock, which
    /// other processes (the CLI) respect. A writer that waits longer than the busy timeout gets a 503.
    /// </summary>
    public async Task<WriteTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        if (!await writeGate.WaitAsync(busyTimeout, cancellationToken))
        {
            throw new ScimException(503, null, $"The hub's database is busy (no write slot within {busyTimeout.TotalSeconds:0} s); retry in a few seconds.");
        }

        try
        {
            var connection = await OpenAsync(cancellationToken);
            try
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken);
                return new WriteTransaction(connection, transaction, writeGate);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        catch
        {
            writeGate.Release();
            throw;
        }
    }
}
