using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using ScimHub.Core.Errors;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Opens connections to the hub's database, set up the same way every time, and starts write transactions.
/// SQLite runs in WAL mode with <c>synchronous=FULL</c>, so that an acknowledged write survives a crash of the
/// process or the machine; PostgreSQL commits durably by default.
/// </summary>
public sealed class Database : IDisposable
{
    private readonly string connectionString;
    private readonly SemaphoreSlim? writeGate;
    private readonly TimeSpan busyTimeout;

    public Database(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Provider = options.Provider;
        busyTimeout = TimeSpan.FromSeconds(Math.Max(1, options.BusyTimeoutSeconds));
        if (options.Provider == StorageProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                throw new InvalidOperationException("Storage:Provider is Postgres, so Storage:ConnectionString must name the database (e.g. Host=db;Database=scimhub;Username=scimhub;Password=...).");
            }

            var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            var given = new DbConnectionStringBuilder { ConnectionString = options.ConnectionString };
            // Waiting for a connection, a server that is down, or a row lock held by another node ends in a 503 after
            // the busy timeout, unless the connection string says otherwise.
            if (!given.ContainsKey("Timeout"))
            {
                builder.Timeout = options.BusyTimeoutSeconds;
            }

            if (!given.ContainsKey("Options"))
            {
                builder.Options = $"-c lock_timeout={options.BusyTimeoutSeconds * 1000}";
            }

            connectionString = builder.ConnectionString;
            Dialect = SqlDialect.Postgres;
        }
        else
        {
            connectionString = options.SqliteConnectionString();
            Dialect = SqlDialect.Sqlite;
            writeGate = new SemaphoreSlim(1, 1);
        }
    }

    public StorageProvider Provider { get; }

    public SqlDialect Dialect { get; }

    public void Dispose() => writeGate?.Dispose();

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (Provider == StorageProvider.Postgres)
        {
            var postgres = new NpgsqlConnection(connectionString);
            try
            {
                await postgres.OpenAsync(cancellationToken);
                return postgres;
            }
            catch
            {
                await postgres.DisposeAsync();
                throw;
            }
        }

        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // scim_lower: Unicode-aware lower case, as C# and PostgreSQL's lower() do it (SQLite's own is ASCII-only).
            connection.CreateFunction("scim_lower", (string? text) => text?.ToLowerInvariant(), isDeterministic: true);
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens a connection and starts a write transaction. SQLite has one writer at a time, so writers of this process
    /// queue here first (no busy polling and its sleeps); BEGIN IMMEDIATE then takes the database's write lock, which
    /// other processes (the CLI) respect. A writer that waits longer than the busy timeout gets a 503. PostgreSQL takes
    /// row locks instead (see <see cref="SqlDialect.ForUpdate"/>), so its writers run side by side, on any node.
    /// </summary>
    public async Task<WriteTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        if (writeGate is not null && !await writeGate.WaitAsync(busyTimeout, cancellationToken))
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
            writeGate?.Release();
            throw;
        }
    }
}
