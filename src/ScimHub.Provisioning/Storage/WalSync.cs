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
/// A failed fsync is final: the operating system may have dropped the pages it could not write, so a later fsync that
/// succeeds proves nothing. Every write waiting and every later one fails (503), and <see cref="Failure"/> says why,
/// until the hub is restarted (SQLite's recovery then reads what really reached the disk).
/// </para>
/// </summary>
internal sealed class WalSync(Action sync)
{
    private readonly Lock gate = new();
    private List<TaskCompletionSource> waiting = [];
    private bool running;
    private Task latest = Task.CompletedTask;

    /// <summary>Why writes can no longer be acknowledged, once an fsync has failed.</summary>
    public Exception? Failure { get; private set; }

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

    /// <summary>An fsync of the file at <paramref name="path"/>, opened for the purpose; nothing when there is no such file.</summary>
    public static Action OfFile(string path) => () =>
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            // No WAL: SQLite removes it only after copying it into the database file and syncing that.
            return;
        }

        using (file)
        {
            RandomAccess.FlushToDisk(file);
        }
    };

    /// <summary>
    /// Called in the write slot right after a COMMIT: <paramref name="done"/> completes when the commit is durable, or
    /// fails when it cannot be made so.
    /// </summary>
    public void After(TaskCompletionSource done)
    {
        ArgumentNullException.ThrowIfNull(done);
        lock (gate)
        {
            if (Failure is not null)
            {
                done.TrySetException(NotDurable(Failure));
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
                    return;
                }

                (round, waiting) = (waiting, []);
            }

            var failure = Sync();
            foreach (var done in round)
            {
                if (failure is null)
                {
                    done.TrySetResult();
                }
                else
                {
                    done.TrySetException(NotDurable(failure));
                }
            }
        }
    }

    private Exception? Sync()
    {
        if (Failure is not null)
        {
            return Failure;
        }

        try
        {
            sync();
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            lock (gate)
            {
                Failure ??= exception;
                return Failure;
            }
        }
    }

    internal static ScimException NotDurable(Exception failure) =>
        new(503, null, $"The hub could not make its database durable on disk ({failure.Message}); it acknowledges no write until it is restarted.");
}
