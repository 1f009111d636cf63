using System.Data.Common;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// One use case's write: its connection and transaction for the statements, <see cref="CommitAsync"/> to keep them.
/// Disposing it without a commit undoes them. On SQLite the transaction is shared with other writers of the same
/// batch (see <see cref="SqliteWriter"/>): use the connection only until <see cref="CommitAsync"/> returns.
/// </summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private readonly SqliteWriter? writer;
    private List<(BatchedInsert Target, object Row)>? deferred;
    private List<Action>? afterCommit;
    private bool committed;

    internal WriteTransaction(DbConnection connection, DbTransaction transaction, SqliteWriter? writer)
    {
        Connection = connection;
        Transaction = transaction;
        this.writer = writer;
    }

    public DbConnection Connection { get; }

    public DbTransaction Transaction { get; }

    /// <summary>True on SQLite: rows may be handed to <see cref="Defer"/> and are inserted with the batch.</summary>
    internal bool CanDefer => writer is not null;

    /// <summary>Runs once the write has committed (durably); not at all if it does not.</summary>
    internal void AfterCommit(Action action) => (afterCommit ??= []).Add(action);

    /// <summary>A row inserted together with other writers' rows just before the batch commits; kept only if this write commits.</summary>
    internal void Defer(BatchedInsert target, object row)
    {
        if (writer is null)
        {
            throw new InvalidOperationException("Only SQLite writes are batched.");
        }

        (deferred ??= []).Add((target, row));
    }

    /// <summary>Commits; returns once the write is durable.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        committed = true;
        if (writer is null)
        {
            await Transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await writer.CommitAsync(deferred);
        }

        foreach (var action in afterCommit ?? [])
        {
            action();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (writer is null)
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        else if (!committed)
        {
            writer.Rollback();
        }
    }
}
