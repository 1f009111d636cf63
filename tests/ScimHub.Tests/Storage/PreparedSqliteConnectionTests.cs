using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using ScimHub.Provisioning.Storage;
using SQLitePCL;

namespace ScimHub.Tests.Storage;

/// <summary>
/// SQLite connections keep each SQL text's compiled statement, and read connections are kept open between callers:
/// neither may change what a query answers, leak a value or an open read, or keep a statement that failed.
/// </summary>
[Trait("Storage", "SqliteOnly")]
public sealed class PreparedSqliteConnectionTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("scimhub-prepared-").FullName;
    private readonly Database database;

    public PreparedSqliteConnectionTests()
    {
        database = new Database(new StorageOptions { DataFolder = folder });
    }

    public void Dispose()
    {
        database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task The_same_text_runs_the_statement_compiled_the_first_time_with_each_call_s_own_values()
    {
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var prepared = Assert.IsType<PreparedSqliteConnection>(connection);

        var answers = new List<string>();
        foreach (var value in new[] { "a", "b", "c" })
        {
            answers.Add(await connection.QuerySingleAsync<string>("SELECT @value || '!'", new { value }));
        }

        Assert.Equal(["a!", "b!", "c!"], answers);
        Assert.Equal(1, prepared.Compiled);
    }

    [Fact]
    public async Task A_read_connection_given_back_is_reused_and_sees_writes_committed_since()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'before')");
        DbConnection first;
        await using (var connection = await database.OpenAsync(ct))
        {
            Assert.Equal("before", await connection.QuerySingleAsync<string>("SELECT v FROM t WHERE id = 1"));
            first = connection;
        }

        await WriteAsync("UPDATE t SET v = 'after' WHERE id = 1");

        await using (var connection = await database.OpenAsync(ct))
        {
            Assert.Same(first, connection);
            Assert.Equal("after", await connection.QuerySingleAsync<string>("SELECT v FROM t WHERE id = 1"));
        }
    }

    [Fact]
    public async Task A_statement_that_failed_is_compiled_afresh_and_the_next_write_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        await WriteAsync("INSERT INTO t VALUES (1)");

        await using (var write = await database.BeginAsync(ct))
        {
            await Assert.ThrowsAsync<SqliteException>(() => write.Connection.ExecuteAsync("INSERT INTO t VALUES (@id)", new { id = 1 }, write.Transaction));
            await write.Connection.ExecuteAsync("INSERT INTO t VALUES (@id)", new { id = 2 }, write.Transaction);
            await write.CommitAsync(ct);
        }

        await using var read = await database.OpenAsync(ct);
        Assert.Equal([1L, 2L], await read.QueryAsync<long>("SELECT id FROM t ORDER BY id"));
    }

    [Fact]
    public async Task A_read_connection_left_in_a_transaction_is_closed_not_given_to_the_next_caller()
    {
        var ct = TestContext.Current.CancellationToken;
        DbConnection first;
        await using (var connection = await database.OpenAsync(ct))
        {
            first = connection;
            await connection.BeginTransactionAsync(ct);
        }

        await using var next = await database.OpenAsync(ct);
        Assert.NotSame(first, next);
    }

    [Fact]
    public async Task A_command_disposed_before_its_reader_leaves_no_read_open_on_a_kept_connection()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'before'), (2, 'other')");
        await using (var connection = await database.OpenAsync(ct))
        {
            var command = connection.CreateCommand();
            command.CommandText = "SELECT v FROM t ORDER BY id";
            var reader = await command.ExecuteReaderAsync(ct);
            Assert.True(await reader.ReadAsync(ct));
            await command.DisposeAsync();
        }

        await WriteAsync("UPDATE t SET v = 'after' WHERE id = 1");

        await using var again = await database.OpenAsync(ct);
        Assert.Equal("after", await again.QuerySingleAsync<string>("SELECT v FROM t WHERE id = 1"));
    }

    [Fact]
    public async Task More_distinct_texts_than_a_connection_keeps_all_answer()
    {
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(i, await connection.QuerySingleAsync<long>($"SELECT {i} + @zero", new { zero = 0 }));
        }

        Assert.Equal(2, await connection.QuerySingleAsync<long>("SELECT 2 + @zero", new { zero = 0 }));
    }

    [Fact]
    public async Task A_paged_query_runs_its_kept_statement_without_sqlite_compiling_it_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3), (4)");
        var paged = $"SELECT id FROM t ORDER BY id LIMIT {SqlDialect.Sqlite.RowCount("@limit")} OFFSET {SqlDialect.Sqlite.RowCount("@offset")}";
        const string bare = "SELECT id FROM t ORDER BY id DESC LIMIT @limit OFFSET @offset";
        await using var connection = await database.OpenAsync(ct);
        // Lets Recompiled find the statements compiled from here on.
        ((SqliteConnection)connection).Handle!.enable_sqlite3_next_stmt(true);

        var pages = new List<long[]>();
        foreach (var (limit, offset) in new[] { (2, 0), (2, 2), (1, 3) })
        {
            pages.Add((await connection.QueryAsync<long>(paged, new { limit, offset })).ToArray());
            await connection.QueryAsync<long>(bare, new { limit, offset });
        }

        Assert.Equal([[1L, 2L], [3L, 4L], [4L]], pages);
        // A bare LIMIT parameter makes SQLite compile its statement again at each run; the paged text does not.
        Assert.Equal(0, Recompiled(connection, paged));
        Assert.Equal(3, Recompiled(connection, bare));
    }

    [Fact]
    public async Task The_writer_keeps_its_savepoint_journal_in_memory_and_a_failed_writer_still_rolls_back_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        // A writer's savepoint journal holds the pages it changes that existed before: the second writer changes
        // ~600 KB of them, far more than the 64 KiB after which SQLite would otherwise use a temporary file.
        var big = new string('x', 3000);
        await using (var write = await database.BeginAsync(ct))
        {
            Assert.Equal(2L, await write.Connection.QuerySingleAsync<long>("PRAGMA temp_store", transaction: write.Transaction));
            await write.Connection.ExecuteAsync("INSERT INTO t (v) VALUES (@big)", Enumerable.Range(0, 200).Select(_ => new { big }), write.Transaction);
            await write.CommitAsync(ct);
        }

        await using (var failing = await database.BeginAsync(ct))
        {
            // Disposed without a commit: rolled back to its savepoint, from the journal.
            await failing.Connection.ExecuteAsync("UPDATE t SET v = 'changed'", transaction: failing.Transaction);
        }

        await using var read = await database.OpenAsync(ct);
        Assert.Equal(200L, await read.QuerySingleAsync<long>("SELECT COUNT(*) FROM t WHERE v = @big", new { big }));
    }

    [Fact]
    public async Task Migrations_leave_the_writer_keeping_its_savepoint_journal_in_memory()
    {
        var ct = TestContext.Current.CancellationToken;

        var applied = await new Migrator(database, TimeProvider.System).MigrateAsync(ct);

        Assert.NotEmpty(applied);
        await using var write = await database.BeginAsync(ct);
        Assert.Equal(2L, await write.Connection.QuerySingleAsync<long>("PRAGMA temp_store", transaction: write.Transaction));
    }

    /// <summary>How often SQLite compiled again the statement kept on the connection for this text.</summary>
    private static int Recompiled(DbConnection connection, string sql)
    {
        const int repreparations = 5; // SQLITE_STMTSTATUS_REPREPARE
        var handle = ((SqliteConnection)connection).Handle;
        for (var statement = raw.sqlite3_next_stmt(handle, null); statement is not null; statement = raw.sqlite3_next_stmt(handle, statement))
        {
            if (raw.sqlite3_sql(statement).utf8_to_string() == sql)
            {
                return raw.sqlite3_stmt_status(statement, repreparations, 0);
            }
        }

        throw new InvalidOperationException($"No statement is kept for '{sql}'.");
    }

    private async Task WriteAsync(string sql)
    {
        await using var write = await database.BeginAsync(TestContext.Current.CancellationToken);
        await write.Connection.ExecuteAsync(sql, transaction: write.Transaction);
        await write.CommitAsync(TestContext.Current.CancellationToken);
    }
}
