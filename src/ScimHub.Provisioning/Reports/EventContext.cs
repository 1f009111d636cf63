using ScimHub.Provisioning.Apps;

namespace ScimHub.Provisioning.Reports;

/// <summary>
/// Who makes a change and on behalf of which request: every use case that changes the directory takes one, so that
/// the change and its provisioning event are written together.
/// </summary>
public sealed record EventContext(AppIdentity App, string CorrelationId, string Direction = EventDirections.Inbound)
{
    private int committed;

    public string DirectoryId => App.DirectoryId;

    /// <summary>True once a change made under this context has committed: an error after that did not undo it.</summary>
    public bool HasCommitted => Volatile.Read(ref committed) == 1;

    internal void MarkCommitted() => Volatile.Write(ref committed, 1);

    /// <summary>A new correlation id: time-ordered, unique across nodes.</summary>
    public static string NewCorrelationId(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
    }
}
