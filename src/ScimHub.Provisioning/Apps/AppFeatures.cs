using System.Text.Json;
using ScimHub.Core.Errors;

namespace ScimHub.Provisioning.Apps;

/// <summary>
/// The provisioning features of an app: which changes its identity provider may make. Every switch is on for a new
/// app. A request for a switched-off change is refused with a 403 naming the feature, changes nothing, and is
/// recorded as a <em>skipped</em> provisioning event. Reactivating a user (<c>active</c> false → true) is an update.
/// </summary>
public sealed record AppFeatures
{
    public static readonly AppFeatures AllOn = new();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly ParsedSettings<AppFeatures> Parsed = new(json => JsonSerializer.Deserialize<AppFeatures>(json, Json) ?? AllOn, AllOn);

    public bool CreateUsers { get; init; } = true;

    public bool UpdateUsers { get; init; } = true;

    public bool DeactivateUsers { get; init; } = true;

    public bool DeleteUsers { get; init; } = true;

    /// <summary>What an allowed DELETE of a user does.</summary>
    public UserDeleteAction UserDeleteAction { get; init; } = UserDeleteAction.Delete;

    public bool CreateGroups { get; init; } = true;

    /// <summary>Renames, other attributes, and members.</summary>
    public bool UpdateGroups { get; init; } = true;

    public bool DeleteGroups { get; init; } = true;

    /// <summary>These features with the switches <paramref name="changes"/> names set; the rest as they are.</summary>
    public AppFeatures With(FeatureChanges? changes) => changes is null ? this : new AppFeatures
    {
        CreateUsers = changes.CreateUsers ?? CreateUsers,
        UpdateUsers = changes.UpdateUsers ?? UpdateUsers,
        DeactivateUsers = changes.DeactivateUsers ?? DeactivateUsers,
        DeleteUsers = changes.DeleteUsers ?? DeleteUsers,
        UserDeleteAction = changes.UserDeleteAction ?? UserDeleteAction,
        CreateGroups = changes.CreateGroups ?? CreateGroups,
        UpdateGroups = changes.UpdateGroups ?? UpdateGroups,
        DeleteGroups = changes.DeleteGroups ?? DeleteGroups,
    };

    /// <summary>Throws the 403 that refuses a change of a switched-off feature.</summary>
    /// <param name="on">The feature's switch.</param>
    /// <param name="feature">Its name as the admin API and CLI spell it, e.g. <c>deleteUsers</c>.</param>
    /// <param name="appName">The app asking.</param>
    /// <param name="change">What was asked, e.g. "delete users".</param>
    public static void Require(bool on, string feature, string appName, string change)
    {
        if (!on)
        {
            throw new ScimException(403, null,
                $"The app '{appName}' may not {change}: its provisioning feature '{feature}' is switched off. An admin can switch it on (scimhub apps features set).");
        }
    }

    internal string ToJson() => JsonSerializer.Serialize(this, Json);

    internal static AppFeatures FromJson(string? json) => Parsed.Get(json);
}
