using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;
using ScimHub.Core.Errors;
using ScimHub.Provisioning.Storage;
using ScimHub.Server;

namespace ScimHub.Tests.Storage;

/// <summary>
/// SQLite commits without waiting for the disk, and the WAL is fsynced outside the write slot: a write must still be
/// acknowledged only after an fsync that started after its COMMIT, the next batch must run meanwhile and share the
/// next fsync, and a failed fsync must stop the hub acknowledging (or making) writes.
/// </summary>
[Trait("Storage", "SqliteOnly")]
public sealed class WalSyncTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("scimhub-walsync-").FullName;
    private readonly List<string> syncedFiles = [];
    private readonly ManualResetEventSlim diskAnswers = new(initialState: true);
    private readonly SemaphoreSlim syncStarted = new(0);
    private Exception? diskError;
    private readonly Database database;

    public WalSyncTests()
    {
        database = new Database(new StorageOptions { DataFolder = folder }, path => () =>
        {
            syncStarted.Release();
            diskAnswers.Wait(TimeSpan.FromSeconds(30));
            if (diskError is not null)
            {
                throw diskError;
            }

            WalSync.OfFile(path)();
            lock (syncedFiles)
            {
                syncedFiles.Add(path);
            }
        });
    }

    public void Dispose()
    {
        diskAnswers.Set();
        database.Dispose();
        SqliteConnection.ClearAllPools();
        diskAnswers.Dispose();
        syncStarted.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_write_is_acknowledged_only_once_the_database_s_WAL_file_is_fsynced()
    {
        await WriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        Assert.Equal(Path.Combine(folder, "scimhub.db-wal"), Assert.Single(syncedFiles));
        Assert.True(File.Exists(syncedFiles[0]));

        HoldTheDisk();
        var write = WriteAsync("INSERT INTO t VALUES (1)");
        await WaitForSyncAsync();
        await Task.Delay(200, TestContext.Current.CancellationToken);

        Assert.False(write.IsCompleted);
        diskAnswers.Set();
        await write;
        Assert.Equal(2, syncedFiles.Count);
    }

    [Fact]
    public async Task While_the_WAL_is_fsynced_the_next_writers_run_and_share_the_next_fsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        syncedFiles.Clear();

        HoldTheDisk();
        var first = WriteAsync("INSERT INTO t VALUES (1)");
        await WaitForSyncAsync();
        // The slot is free while the disk works: two more writers get it at once and join one batch.
        var second = WriteAsync("INSERT INTO t VALUES (2)");
        var third = WriteAsync("INSERT INTO t VALUES (3)");
        await Task.Delay(200, ct);
        Assert.False(first.IsCompleted || second.IsCompleted || third.IsCompleted);

        diskAnswers.Set();
        await Task.WhenAll(first, second, third);

        Assert.Equal(2, syncedFiles.Count);
        await using var read = await database.OpenAsync(ct);
        Assert.Equal([1L, 2L, 3L], await read.QueryAsync<long>("SELECT id FROM t ORDER BY id"));
    }

    [Fact]
    public async Task A_failed_fsync_fails_its_writers_and_every_later_write_with_503_and_readiness_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        diskError = new IOException("Input/output error");

        var failed = await Assert.ThrowsAsync<ScimException>(() => WriteAsync("INSERT INTO t VALUES (1)"));
        Assert.Equal(503, failed.Status);
        Assert.Contains("Input/output error", failed.Message, StringComparison.Ordinal);

        // A disk that answers again proves nothing (the pages that failed may be gone): no write is made any more.
        diskError = null;
        var later = await Assert.ThrowsAsync<ScimException>(() => WriteAsync("INSERT INTO t VALUES (2)"));
        Assert.Equal(503, later.Status);
        await using (var read = await database.OpenAsync(ct))
        {
            Assert.Empty(await read.QueryAsync<long>("SELECT id FROM t WHERE id = 2"));
        }

        var readiness = await ReadinessProbe.CheckAsync(database, ct);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, Assert.IsType<ContentHttpResult>(readiness).StatusCode);
    }

    [Fact]
    public void An_fsync_of_a_WAL_that_SQLite_has_removed_is_nothing_to_do()
    {
        WalSync.OfFile(Path.Combine(folder, "gone.db-wal"))();
    }

    private void HoldTheDisk()
    {
        diskAnswers.Reset();
        while (syncStarted.Wait(0))
        {
        }
    }

    private async Task WaitForSyncAsync() =>
        Assert.True(await syncStarted.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "no fsync started");

    private async Task WriteAsync(string sql)
    {
        await using var write = await database.BeginAsync(TestContext.Current.CancellationToken);
        await write.Connection.ExecuteAsync(sql, transaction: write.Transaction);
        await write.CommitAsync(TestContext.Current.CancellationToken);
    }
}
