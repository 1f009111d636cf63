using System.Data.Common;

namespace ScimHub.Provisioning.Storage;

/// <summary>An open write transaction and its connection; disposing it rolls back what was not committed and frees the write slot.</summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private readonly SemaphoreSlim? writeGate;

    internal WriteTransaction(DbConnection connection, DbTransaction transaction, SemaphoreSlim? writeGate)
    {
        Connection = connection;
        Transaction = transaction;
        this.writeGate = writeGate;
    }

    public DbConnection Connection { get; }

    public DbTransaction Transaction { get; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        finally
        {
            writeGate?.Release();
        }
    }
}
