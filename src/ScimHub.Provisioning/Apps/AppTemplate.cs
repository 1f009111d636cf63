namespace ScimHub.Provisioning.Apps;

/// <summary>
/// A preset for a new app: the attributes its identity provider always sends (a create without one is refused,
/// naming it), the provisioning features it starts with, and what the hub does for that provider's habits.
/// </summary>
public sealed record AppTemplate(string Id, string Name, IReadOnlyList<string> RequiredAttributes, FeatureChanges Features, string Compatibility);
