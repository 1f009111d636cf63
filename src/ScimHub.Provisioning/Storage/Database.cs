using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Opens connections to the hub's database, set up the same way every time, and starts write transactions.
/// SQLite runs in WAL mode and a write is acknowledged only once its WAL frames are fsynced (<see cref="SqliteWriter"/>,
/// <see cref="WalSync"/>), so that it survives a crash of the process or the machine; PostgreSQL commits durably by default.
/// </summary>
public sealed class Database : IDisposable
{
    private readonly string connectionString;
    private readonly SqliteWriter? writer;
    private SqliteCheckpointer? checkpointer;
    private readonly TimeSpan busyTimeout;

    /// <summary>
    /// SQLite: open read connections kept between requests, each with its compiled statements
    /// (<see cref="PreparedSqliteConnection"/>); at most <see cref="MaxIdleReaders"/> wait here, more are closed.
    /// </summary>
    private readonly ConcurrentStack<PreparedSqliteConnection> idleReaders = new();
    private const int MaxIdleReaders = 8;
    private volatile bool disposed;

    public Database(StorageOptions options)
        : this(options, walSync: null, StopOnDiskFailure)
    {
    }

    /// <summary>
    /// With the fsync of SQLite's WAL given (tests hold it back or fail it), and what a failed fsync does (tests note
    /// it instead of stopping the process).
    /// </summary>
    internal Database(StorageOptions options, Func<string, Action>? walSync, Action<Exception> diskFailed)
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

            // The hub's statements are few and parameterised: prepared on the server once per connection after their
            // second use, they are not parsed and planned again for every request (Npgsql invalidates them itself
            // when a migration changes a table).
            if (!given.ContainsKey("Max Auto Prepare"))
            {
                builder.MaxAutoPrepare = 64;
                builder.AutoPrepareMinUsages = 2;
            }

            // Nor is a pooled connection reset when it goes back (a DISCARD-like round of statements on its next use):
            // the hub leaves no session state behind (no SET, LISTEN, temporary tables or session locks).
            if (!given.ContainsKey("No Reset On Close"))
            {
                builder.NoResetOnClose = true;
            }

            connectionString = builder.ConnectionString;
            Dialect = SqlDialect.Postgres;
        }
        else
        {
            connectionString = options.SqliteConnectionString();
            Dialect = SqlDialect.Sqlite;
            Func<string, Action<Exception>, WalSync> walSyncOf = walSync is null
                ? WalSync.OfFile
                : (path, failed) => new WalSync(walSync(path), null, failed);
            writer = new SqliteWriter(async ct => (SqliteConnection)await OpenAsync(forWrites: true, ct), busyTimeout, walSyncOf, diskFailed);
        }
    }

    public StorageProvider Provider { get; }

    public SqlDialect Dialect { get; }

    /// <summary>
    /// SQLite: copy the WAL back from a background connection every 100 ms (<see cref="SqliteCheckpointer"/>) instead
    /// of inside writers' commits. For the long-running server; short-lived users (the CLI) need not.
    /// </summary>
    public void StartBackgroundCheckpoints()
    {
        if (writer is not null && checkpointer is null)
        {
            checkpointer = new SqliteCheckpointer(connectionString, TimeSpan.FromMilliseconds(100));
        }
    }

    public void Dispose()
    {
        disposed = true;
        writer?.Dispose();
        checkpointer?.Dispose();
        while (idleReaders.TryPop(out var reader))
        {
            reader.Discard();
        }
    }

    /// <summary>
    /// A failed fsync of SQLite's WAL stops the process at once, as PostgreSQL does: the kernel may have dropped pages
    /// SQLite counts as committed, and a checkpoint (or the one SQLite runs when its last connection closes) would copy
    /// whatever is on disk into the database file. At the next start SQLite's recovery keeps the WAL's commits whose
    /// frames reached the disk intact; no write after the failure was acknowledged.
    /// </summary>
    private static void StopOnDiskFailure(Exception failure) =>
        Environment.FailFast($"ScimHub: an fsync of the SQLite WAL failed ({failure.GetType().Name}: {failure.Message}); stopping before anything more is written. Check the disk, then start the hub again.", failure);

    /// <summary>A connection for reading; writes go through <see cref="BeginAsync"/>.</summary>
    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(forWrites: false, cancellationToken);

    private async Task<DbConnection> OpenAsync(bool forWrites, CancellationToken cancellationToken)
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

        if (!forWrites && idleReaders.TryPop(out var idle))
        {
            return idle;
        }

        var connection = new PreparedSqliteConnection(connectionString, forWrites ? null : GiveBack);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // scim_lower: Unicode-aware lower case, as C# and PostgreSQL's lower() do it (SQLite's own is ASCII-only).
            connection.CreateFunction("scim_lower", (string? text) => text?.ToLowerInvariant(), isDeterministic: true);
            if (forWrites)
            {
                // Only the writer's connection changes data: it enforces foreign keys, and the WAL is copied back by the
                // checkpointer, not inside its commits. In WAL mode (the migrations set it; set again here, a no-op
                // then) its COMMIT does not wait for the disk (synchronous=NORMAL): WalSync fsyncs the WAL outside the
                // write slot before any writer is acknowledged. Any other journal mode fsyncs in the COMMIT itself.
                // temp_store=MEMORY keeps the savepoint journal (each writer's savepoint, see SqliteWriter) in memory:
                // by default it moves to a temporary file past 64 KiB, and its writes were 8 % of the CPU time of
                // provisioning. It holds the pages that existed before and that one writer changes: kilobytes for a
                // user, megabytes for a PUT of a group with tens of thousands of members, freed when the writer
                // leaves. Migrations, which may sort a whole table for an index, run with the default (Migrator).
                using var pragmas = connection.CreateCommand();
                pragmas.CommandText = "PRAGMA journal_mode = WAL;";
                var wal = await pragmas.ExecuteScalarAsync(cancellationToken) is "wal";
                pragmas.CommandText = $"PRAGMA foreign_keys = ON; PRAGMA synchronous = {(wal ? "NORMAL" : "FULL")}; PRAGMA wal_autocheckpoint = {SqliteCheckpointer.WriterAutoCheckpointPages}; PRAGMA temp_store = MEMORY;";
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
            }

            return connection;
        }
        catch
        {
            connection.Discard();
            throw;
        }
    }

    private void GiveBack(PreparedSqliteConnection reader)
    {
        if (disposed || idleReaders.Count >= MaxIdleReaders)
        {
            reader.Discard();
            return;
        }

        idleReaders.Push(reader);
        while (disposed && idleReaders.TryPop(out var late))
        {
            late.Discard();
        }
    }

    /// <summary>
    /// Starts a write. On SQLite, writers queue for the one write slot and share commits (<see cref="SqliteWriter"/>);
    /// a writer that waits longer than the busy timeout gets a 503. PostgreSQL writers each get a transaction of their
    /// own and take row locks instead (see <see cref="SqlDialect.ForUpdate"/>), so they run side by side, on any node.
    /// </summary>
    public async Task<WriteTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        if (writer is not null)
        {
            return await writer.BeginAsync(cancellationToken);
        }

        var connection = await OpenAsync(forWrites: true, cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return new WriteTransaction(connection, transaction, null);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
