namespace ScimHub.Provisioning.Apps;

/// <summary>An inbound provisioning app: an identity provider that pushes users and groups into one directory.</summary>
public sealed record ProvisioningApp(string Id, string DirectoryId, string Name, DateTimeOffset Created, int ActiveTokens)
{
    public AppFeatures Features { get; init; } = AppFeatures.AllOn;
}
