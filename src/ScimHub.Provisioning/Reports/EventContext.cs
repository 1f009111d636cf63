using ScimHub.Provisioning.Apps;

namespace ScimHub.Provisioning.Reports;

/// <summary>
/// Who makes a change and on behalf of which request: every use case that changes the directory takes one, so that
/// the change and its provisioning event are written together.
/// </summary>
public sealed record EventContext(AppIdentity App, string CorrelationId, string Direction = EventDirections.Inbound)
{
    public string DirectoryId => App.DirectoryId;

    /// <summary>A new correlation id: time-ordered, unique across nodes.</summary>
    public static string NewCorrelationId(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
    }
}
