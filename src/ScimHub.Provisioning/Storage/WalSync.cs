using Microsoft.Win32.SafeHandles;
using ScimHub.Core.Errors;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Makes SQLite commits durable outside the write slot. The writer's connection commits with <c>synchronous=NORMAL</c>:
/// the COMMIT hands its WAL frames to the operating system and returns without an fsync. The batch's writers are
/// handed here, and are told their write is done only after an fsync of the WAL file that started after their COMMIT:
/// one fsync covers every batch committed before it. Meanwhile the write slot runs the next batch's statements
/// instead of waiting for the disk.
/// <para>
/// The WAL file is opened once, with the writer's connection (before any of its writes), and kept open: Linux reports
/// a failed write-back to every descriptor open when it happened, but a descriptor opened later may not hear of it.
/// A failed fsync is final: the kernel may have dropped the pages it could not write, so a later fsync that succeeds
/// proves nothing. The waiting writers fail, and <c>failed</c> is told (the hub stops, see <see cref="Database"/>).
/// </para>
/// </summary>
internal sealed class WalSync(Action sync, IDisposable? file, Action<Exception> failed) : IDisposable
{
    private readonly Lock gate = new();
    private List<TaskCompletionSource> waiting = [];
    private bool running;
    private bool retired;
    private Exception? failure;
    private Task latest = Task.CompletedTask;

    /// <summary>
    /// Completes once every batch handed over so far is durable (or failed); never throws. The writer waits for it
    /// before the next COMMIT, so that the batch grows while the disk is busy.
    /// </summary>
    public Task Settled
    {
        get
        {
            lock (gate)
            {
                return latest;
            }
        }
    }

    /// <summary>Opens the WAL at <paramref name="path"/> now; without one (not in WAL mode), there is nothing to sync.</summary>
    public static WalSync OfFile(string path, Action<Exception> failed)
    {
        SafeFileHandle? handle = null;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
        }

        return new WalSync(handle is null ? () => { } : () => RandomAccess.FlushToDisk(handle), handle, failed);
    }

    /// <summary>
    /// Called in the write slot right after a COMMIT: <paramref name="done"/> completes when the commit is durable, or
    /// fails when it cannot be made so.
    /// </summary>
    public void After(TaskCompletionSource done)
    {
        ArgumentNullException.ThrowIfNull(done);
        lock (gate)
        {
            if (failure is not null)
            {
                done.TrySetException(NotDurable());
                return;
            }

            waiting.Add(done);
            latest = done.Task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (running)
            {
                return;
            }

            running = true;
        }

        // The fsync blocks its thread for a millisecond or more: not the caller's, which holds the write slot.
        _ = Task.Run(SyncWaiting);
    }

    /// <summary>The writer's connection is gone: the file is closed once the batches handed over are synced.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            retired = true;
            if (running)
            {
                return;
            }
        }

        file?.Dispose();
    }

    internal static ScimException NotDurable() =>
        new(503, null, "The hub could not make its database durable on disk (an fsync failed; see its log); it acknowledges no write until it is restarted.");

    private void SyncWaiting()
    {
        while (true)
        {
            List<TaskCompletionSource> round;
            lock (gate)
            {
                if (waiting.Count == 0)
                {
                    running = false;
                    if (retired)
                    {
                        file?.Dispose();
                    }

                    return;
                }

                (round, waiting) = (waiting, []);
            }

            var ok = Sync();
            foreach (var done in round)
            {
                if (ok)
                {
                    done.TrySetResult();
                }
                else
                {
                    done.TrySetException(NotDurable());
                }
            }
        }
    }

    private bool Sync()
    {
        if (failure is not null)
        {
            return false;
        }

        try
        {
            sync();
            return true;
        }
        catch (Exception exception)
        {
            // Whatever the fsync throws (EIO, ENOSPC, a closed handle): its writers must hear it, and the loop go on.
            lock (gate)
            {
                failure = exception;
            }

            failed(exception);
            return false;
        }
    }
}
