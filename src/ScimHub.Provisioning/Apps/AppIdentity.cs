namespace ScimHub.Provisioning.Apps;

/// <summary>Who a valid bearer token speaks for, what that app may change, and what its creates must carry.</summary>
public sealed record AppIdentity(string AppId, string DirectoryId, string AppName)
{
    public AppFeatures Features { get; init; } = AppFeatures.AllOn;

    /// <summary>The version of the directory's profile (its custom attributes) when the token was checked.</summary>
    public long ProfileVersion { get; init; }

    /// <summary>The app's attribute rules.</summary>
    public AttributeMapping Mapping { get; init; } = AttributeMapping.None;

    /// <summary>What every user this app creates must carry.</summary>
    public RequiredAttributes RequiredAttributes { get; init; } = RequiredAttributes.None;
}
