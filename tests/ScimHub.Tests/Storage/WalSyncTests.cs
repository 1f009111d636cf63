using Dapper;
using Microsoft.Data.Sqlite;
using ScimHub.Core.Errors;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Tests.Storage;

/// <summary>
/// SQLite commits without waiting for the disk, and the WAL is fsynced outside the write slot: a write must still be
/// acknowledged only after an fsync that started after its COMMIT, the next writers must run meanwhile and share a
/// later fsync, and a failed fsync must stop the hub (here: be reported) and fail every write from then on.
/// </summary>
[Trait("Storage", "SqliteOnly")]
public sealed class WalSyncTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("scimhub-walsync-").FullName;
    private readonly List<string> syncedFiles = [];
    private readonly List<Exception> diskFailures = [];
    private readonly SemaphoreSlim syncStarted = new(0);
    private SemaphoreSlim? diskPermits;
    private Exception? diskError;
    private readonly Database database;

    public WalSyncTests()
    {
        database = new Database(new StorageOptions { DataFolder = folder }, path => () =>
        {
            syncStarted.Release();
            if (diskPermits is { } permits && !permits.Wait(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("the test never let this fsync finish");
            }

            if (diskError is not null)
            {
                throw diskError;
            }

            lock (syncedFiles)
            {
                syncedFiles.Add(path);
            }
        }, diskFailures.Add);
    }

    public void Dispose()
    {
        diskPermits?.Release(100);
        database.Dispose();
        SqliteConnection.ClearAllPools();
        diskPermits?.Dispose();
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
        var write = await CommittingAsync("INSERT INTO t VALUES (1)");
        await WaitForSyncAsync();

        await AssertNoneAcknowledgedAsync(write);
        diskPermits!.Release();
        await write;
        Assert.Equal(2, syncedFiles.Count);
    }

    [Fact]
    public async Task While_the_WAL_is_fsynced_the_next_writers_run_and_are_acknowledged_after_the_next_fsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        syncedFiles.Clear();

        HoldTheDisk();
        var first = await CommittingAsync("INSERT INTO t VALUES (0)");
        await WaitForSyncAsync();
        // The slot is free while the disk works: 64 writers get it meanwhile, and the 64th fills the batch, which
        // commits at once, behind the fsync in progress.
        var next = new List<Task>();
        for (var i = 1; i <= 64; i++)
        {
            next.Add(await CommittingAsync($"INSERT INTO t VALUES ({i})"));
        }

        await AssertNoneAcknowledgedAsync([first, .. next]);

        diskPermits!.Release();
        await first;
        // The next fsync has begun, so the first one's writers have all been told: the 64 are not among them.
        await WaitForSyncAsync();
        await AssertNoneAcknowledgedAsync([.. next]);

        diskPermits.Release();
        await Task.WhenAll(next);
        Assert.Equal(2, syncedFiles.Count);
        await using var read = await database.OpenAsync(ct);
        Assert.Equal(65, await read.QuerySingleAsync<long>("SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task A_failed_fsync_is_reported_fails_its_writers_with_503_and_no_write_is_made_after_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        var failure = new IOException("Input/output error");
        diskError = failure;

        var failed = await Assert.ThrowsAsync<ScimException>(() => WriteAsync("INSERT INTO t VALUES (1)"));
        Assert.Equal(503, failed.Status);
        Assert.Same(failure, Assert.Single(diskFailures));

        // A disk that answers again proves nothing (the pages that failed may be gone): no write is made any more.
        diskError = null;
        var later = await Assert.ThrowsAsync<ScimException>(() => WriteAsync("INSERT INTO t VALUES (2)"));
        Assert.Equal(503, later.Status);
        await using var read = await database.OpenAsync(ct);
        // Row 1 was committed before its fsync failed (committed rows are visible before they are durable); it was
        // never acknowledged. Row 2 was never written.
        Assert.Equal([1L], await read.QueryAsync<long>("SELECT id FROM t ORDER BY id"));
    }

    [Fact]
    public async Task A_batch_open_when_the_fsync_fails_is_rolled_back_not_committed()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        HoldTheDisk();
        diskError = new IOException("No space left on device");
        var first = await CommittingAsync("INSERT INTO t VALUES (1)");
        await WaitForSyncAsync();
        // Opens the next batch, which waits for the failing fsync before it commits.
        var second = await CommittingAsync("INSERT INTO t VALUES (2)");

        diskPermits!.Release(2);
        Assert.Equal(503, (await Assert.ThrowsAsync<ScimException>(() => first)).Status);
        Assert.Equal(503, (await Assert.ThrowsAsync<ScimException>(() => second)).Status);

        await using var read = await database.OpenAsync(ct);
        Assert.Equal([1L], await read.QueryAsync<long>("SELECT id FROM t ORDER BY id"));
    }

    [Fact]
    public async Task A_database_that_is_not_in_WAL_mode_has_no_WAL_to_sync()
    {
        using var sync = WalSync.OfFile(Path.Combine(folder, "none.db-wal"), _ => throw new InvalidOperationException("not a failure"));
        var done = new TaskCompletionSource();
        sync.After(done);

        await done.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private void HoldTheDisk()
    {
        diskPermits = new SemaphoreSlim(0);
        while (syncStarted.Wait(0))
        {
        }
    }

    private async Task WaitForSyncAsync() =>
        Assert.True(await syncStarted.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "no fsync started");

    /// <summary>
    /// Runs a write up to its commit and returns once it has left the write slot (its batch committed, or waiting to
    /// be), with the task that ends when the write is acknowledged.
    /// </summary>
    private async Task<Task> CommittingAsync(string sql)
    {
        var write = await database.BeginAsync(TestContext.Current.CancellationToken);
        await write.Connection.ExecuteAsync(sql, transaction: write.Transaction);
        return AcknowledgedAsync(write);

        static async Task AcknowledgedAsync(WriteTransaction write)
        {
            await using (write)
            {
                await write.CommitAsync(TestContext.Current.CancellationToken);
            }
        }
    }

    /// <summary>None of the writes is acknowledged: a wrong acknowledgement would end the wait; none comes within 300 ms.</summary>
    private static async Task AssertNoneAcknowledgedAsync(params Task[] writes) =>
        await Assert.ThrowsAsync<TimeoutException>(() => Task.WhenAny(writes).WaitAsync(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken));

    private async Task WriteAsync(string sql)
    {
        await using var write = await database.BeginAsync(TestContext.Current.CancellationToken);
        await write.Connection.ExecuteAsync(sql, transaction: write.Transaction);
        await write.CommitAsync(TestContext.Current.CancellationToken);
    }
}
