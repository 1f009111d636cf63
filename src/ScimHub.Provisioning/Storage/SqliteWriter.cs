using System.Diagnostics;
using Microsoft.Data.Sqlite;
using ScimHub.Core.Errors;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Group commit for SQLite. SQLite has one writer at a time. Writers of this process therefore queue here, run one at
/// a time inside a SAVEPOINT of a shared transaction on one connection, and share its COMMIT: a leaving writer queues
/// the commit behind the writers already waiting (the one that fills the batch commits at once), and each writer
/// returns only once that COMMIT is durable. The COMMIT itself does not wait for the disk (<c>synchronous=NORMAL</c>):
/// <see cref="WalSync"/> fsyncs the WAL after it, outside the slot, while the next batch's statements run; and the
/// next batch commits once that fsync is done, so it grows meanwhile. A writer that fails rolls back to its savepoint
/// and leaves the others' work alone; a failed COMMIT or fsync fails every writer of the batch, none acknowledged.
/// </summary>
internal sealed class SqliteWriter(
    Func<CancellationToken, Task<SqliteConnection>> open,
    TimeSpan busyTimeout,
    Func<string, Action<Exception>, WalSync> walSyncOf,
    Action<Exception> diskFailed) : IDisposable
{
    private const int MaxBatch = 64;
    private const string Savepoint = "scimhub_write";

    private readonly SemaphoreSlim gate = new(1, 1);
    /// <summary>When the slot's holder entered it (<see cref="WriteSlotMetrics"/>).</summary>
    private long enteredAt;
    private SqliteConnection? connection;
    private SqliteTransaction? batch;
    private TaskCompletionSource? batchDone;
    private readonly List<(BatchedInsert Target, object Row)> batchRows = [];
    private int batchSize;
    private WalSync? walSync;
    /// <summary>Set by a failed fsync: from then on nothing is written or acknowledged (see <see cref="WalSync"/>).</summary>
    private volatile Exception? failure;

    /// <summary>Enters the write slot and opens a savepoint in the current batch.</summary>
    public async Task<WriteTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        var entered = await gate.WaitAsync(busyTimeout, cancellationToken);
        if (!entered)
        {
            throw new ScimException(503, null, $"The hub's database is busy (no write slot within {busyTimeout.TotalSeconds:0} s); retry in a few seconds.");
        }

        enteredAt = Stopwatch.GetTimestamp();

        if (failure is not null)
        {
            // Nothing more is written once writes cannot be acknowledged.
            Leave();
            throw WalSync.NotDurable();
        }

        try
        {
            if (connection is null)
            {
                connection = await open(cancellationToken);
                // The WAL file is opened with the connection, before its first write, and kept open (see WalSync).
                walSync = walSyncOf(connection.DataSource + "-wal", DiskFailed);
            }
            if (batch is null)
            {
                batch = connection.BeginTransaction(deferred: false);
                batchDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                batchSize = 0;
                batchRows.Clear();
            }

            batch.Save(Savepoint);
            return new WriteTransaction(connection, batch, this);
        }
        catch (Exception exception)
        {
            // Earlier writers of an open batch must hear that their work is gone too.
            FailBatch(exception);
            Leave();
            throw;
        }
    }

    /// <summary>
    /// Keeps the writer's work (and its deferred rows, inserted before the batch commits), leaves the slot, and waits
    /// until the batch holding it is committed.
    /// </summary>
    public async Task CommitAsync(IReadOnlyList<(BatchedInsert Target, object Row)>? deferred = null)
    {
        Task durable;
        var commitNow = false;
        try
        {
            batch!.Release(Savepoint);
            batchSize++;
            WriteSlotMetrics.Write();
            if (deferred is not null)
            {
                batchRows.AddRange(deferred);
            }

            durable = batchDone!.Task;
            commitNow = batchSize >= MaxBatch;
            if (commitNow)
            {
                CommitBatch();
            }
        }
        catch (Exception exception)
        {
            // Whatever failed (SQLite, or a bug), the batch is lost and the slot must be left: a slot kept by a writer
            // that is gone would turn every later write into a 503.
            FailBatch(exception);
            Leave();
            throw;
        }

        Leave();
        if (!commitNow)
        {
            // Writers queued for the slot, and those about to queue, continue the batch; then this commits it.
            _ = FlushAsync(durable);
        }

        // Not cancellable: the commit is queued and takes one fsync; a caller that stopped waiting would not know
        // whether its write is durable (and would skip what follows a commit).
        await durable;
    }

    /// <summary>Undoes the writer's work (back to its savepoint) and leaves the slot.</summary>
    public void Rollback()
    {
        try
        {
            batch!.Rollback(Savepoint);
            batch.Release(Savepoint);
            if (batchSize == 0)
            {
                batch.Rollback();
                batch.Dispose();
                batch = null;
                batchDone!.TrySetResult();
            }
        }
        catch (Exception exception) when (exception is SqliteException or InvalidOperationException)
        {
            // The transaction is gone (an I/O error, say): the batch fails, none of it acknowledged.
            FailBatch(exception);
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>At shutdown: commits an open batch (its writers are waiting for it) and closes the connection.</summary>
    public void Dispose()
    {
        if (gate.Wait(TimeSpan.FromSeconds(5)))
        {
            try
            {
                if (batch is not null)
                {
                    CommitBatch();
                }

                // Its writers are acknowledged after the fsync; the process may end right after this.
                walSync?.Settled.Wait(TimeSpan.FromSeconds(5));
            }
            catch (Exception exception) when (exception is SqliteException or InvalidOperationException)
            {
                FailBatch(exception);
            }
        }

        Abandon();
        gate.Dispose();
    }

    private async Task FlushAsync(Task durable)
    {
        // One turn of the thread pool first: requests already running reach the slot before the commit and share it.
        // Committing as soon as nobody was queued made batches of 10 at concurrency 32; this makes them 14 (bench/run,
        // 60,000 users: provision c32 2,826 -> 3,420 users/s), at the cost of one thread-pool turn of latency.
        await Task.Yield();
        // Then the fsync of the batch before, if it is still running: this batch's writers could not be told sooner
        // anyway, and writers arriving meanwhile join it.
        await walSync!.Settled;
        try
        {
            await gate.WaitAsync();
            enteredAt = Stopwatch.GetTimestamp();
        }
        catch (ObjectDisposedException)
        {
            // Shut down meanwhile: Dispose committed the open batch.
            return;
        }

        try
        {
            if (batch is not null && ReferenceEquals(batchDone!.Task, durable))
            {
                CommitBatch();
            }
        }
        catch (Exception exception) when (exception is SqliteException or InvalidOperationException)
        {
            FailBatch(exception);
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Leaves the write slot, counting the time it was held.</summary>
    private void Leave()
    {
        WriteSlotMetrics.Held(Stopwatch.GetTimestamp() - enteredAt);
        gate.Release();
    }

    private void CommitBatch()
    {
        if (failure is not null)
        {
            // The disk failed since this batch began: none of it is kept.
            FailBatch(WalSync.NotDurable());
            return;
        }

        var done = batchDone!;
        FlushRows();
        batch!.Commit();
        batch.Dispose();
        batch = null;
        WriteSlotMetrics.Batch();
        walSync!.After(done);
    }

    /// <summary>The batch's deferred rows, one flush per target, in the order their writers committed.</summary>
    private void FlushRows()
    {
        if (batchRows.Count == 0)
        {
            return;
        }

        var rows = batchRows.ToList();
        batchRows.Clear();
        try
        {
            foreach (var group in rows.GroupBy(r => r.Target))
            {
                group.Key.Flush(connection!, batch!, group.Select(r => r.Row).ToList());
            }
        }
        catch (Exception exception) when (exception is not (SqliteException or InvalidOperationException))
        {
            // Callers fail the whole batch on these two; anything else must do the same, never leave it half open.
            throw new InvalidOperationException("Inserting the batch's deferred rows failed.", exception);
        }
    }

    /// <summary>Every writer of the batch learns that its write is not durable; the batch and connection are dropped.</summary>
    private void FailBatch(Exception exception)
    {
        batchRows.Clear();
        var failed = batchDone;
        batchDone = null;
        failed?.TrySetException(exception);
        Abandon();
    }

    private void DiskFailed(Exception exception)
    {
        failure ??= exception;
        diskFailed(exception);
    }

    /// <summary>Drops a batch and its connection without throwing; the next writer starts afresh.</summary>
    private void Abandon()
    {
        var (oldBatch, oldConnection) = (batch, connection);
        (batch, connection) = (null, null);
        // Its WAL file is closed once the batches already committed are synced.
        walSync?.Dispose();
        try
        {
            // A COMMIT that failed may have ended the transaction already: its rollback then throws.
            oldBatch?.Dispose();
        }
        catch (Exception exception) when (exception is SqliteException or InvalidOperationException)
        {
        }

        oldConnection?.Dispose();
    }
}
