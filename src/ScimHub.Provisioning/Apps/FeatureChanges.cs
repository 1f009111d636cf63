namespace ScimHub.Provisioning.Apps;

/// <summary>
/// Switches of <see cref="AppFeatures"/> to set; a switch left null stays as it is. The admin API's PATCH body and
/// the CLI's <c>apps features set</c> options.
/// </summary>
public sealed record FeatureChanges
{
    public bool? CreateUsers { get; init; }

    public bool? UpdateUsers { get; init; }

    public bool? DeactivateUsers { get; init; }

    public bool? DeleteUsers { get; init; }

    public UserDeleteAction? UserDeleteAction { get; init; }

    public bool? CreateGroups { get; init; }

    public bool? UpdateGroups { get; init; }

    public bool? DeleteGroups { get; init; }
}
