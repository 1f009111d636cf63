namespace ScimHub.Provisioning.Apps;

/// <summary>
/// The templates an app can be created from. Every provider's dialect is accepted on every app (capitalised PATCH
/// ops, string booleans, dotted and URN keys, PUT of the whole user); a template presets what differs per provider:
/// the required attributes and the starting features.
/// </summary>
public static class AppTemplates
{
    public const string Generic = "generic";

    public static readonly IReadOnlyList<AppTemplate> All =
    [
        new("entra", "Microsoft Entra ID",
            // The required set of the Entra template (DESIGN.md, the issue): what Entra's default user mapping sends. Entra
            // leaves out attributes whose source is empty, so a user without a surname or work mail is refused until the
            // admin relaxes the list (apps required).
            ["userName", "name.givenName", "name.familyName", "emails[type eq \"work\"].value", "displayName", "active"],
            new FeatureChanges(),
            "Deprovisions with PATCH active \"False\" and deletes only hard-deleted users; its non-compliant PATCH (capitalised ops, string booleans, path-less dotted keys) and ?aadOptscim062020 are accepted."),
        new("okta", "Okta",
            // Okta's SCIM guide: userName, name.givenName, name.familyName, emails and active on every user.
            ["userName", "name.givenName", "name.familyName", "emails", "active"],
            new FeatureChanges(),
            "Never deletes users: deactivates with PATCH or PUT active=false; custom apps update by PUT of the whole user; sends a password, which is dropped."),
        new("onelogin", "OneLogin",
            ["userName"],
            new FeatureChanges(),
            "Its SCIM JSON template sends active as a string (\"true\"/\"false\"), accepted in any case."),
        new("google", "Google Workspace",
            ["userName", "name.givenName", "name.familyName"],
            new FeatureChanges(),
            "A fixed mapping with little to configure; low volume."),
        new(Generic, "Generic SCIM 2.0",
            ["userName"],
            new FeatureChanges(),
            "RFC 7643/7644 as written; only userName is required."),
    ];

    /// <summary>The template with this id (case-insensitive), or an error naming the field.</summary>
    public static AppTemplate Get(string id) =>
        All.FirstOrDefault(t => string.Equals(t.Id, id?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidInputException("template", $"No template '{id}'; choose one of {string.Join(", ", All.Select(t => t.Id))}.");
}
