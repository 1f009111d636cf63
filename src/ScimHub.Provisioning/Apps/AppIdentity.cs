namespace ScimHub.Provisioning.Apps;

/// <summary>Who a valid bearer token speaks for, and what that app may change.</summary>
public sealed record AppIdentity(string AppId, string DirectoryId, string AppName)
{
    public AppFeatures Features { get; init; } = AppFeatures.AllOn;
}
