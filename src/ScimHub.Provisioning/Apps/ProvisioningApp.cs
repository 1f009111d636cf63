namespace ScimHub.Provisioning.Apps;

/// <summary>An inbound provisioning app: an identity provider that pushes users and groups into one directory.</summary>
public sealed record ProvisioningApp(string Id, string DirectoryId, string Name, DateTimeOffset Created, int ActiveTokens)
{
    public AppFeatures Features { get; init; } = AppFeatures.AllOn;

    /// <summary>The template the app was created from (see <see cref="AppTemplates"/>).</summary>
    public string Template { get; init; } = AppTemplates.Generic;

    public RequiredAttributes RequiredAttributes { get; init; } = RequiredAttributes.None;

    public AttributeMapping Mapping { get; init; } = AttributeMapping.None;
}
