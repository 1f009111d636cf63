namespace ScimHub.Tests.Support;

/// <summary>Request bodies shaped as the identity providers send them.</summary>
public static class Bodies
{
    public const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string EnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    public static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    /// <summary>An Entra ID create (MS-TUT request 3); <paramref name="extra"/> adds members, e.g. "\"title\": \"x\"".</summary>
    public static string User(string userName, string? extra = null) => $$"""
        {
          "schemas": ["{{UserSchema}}", "{{EnterpriseSchema}}"],
          "externalId": "{{Guid.NewGuid()}}",
          "userName": "{{userName}}",
          "active": true,
          "displayName": "{{userName}} Display",
          "emails": [{ "primary": true, "type": "work", "value": "{{userName}}@contoso.com" }],
          "meta": { "resourceType": "User" },
          "name": { "formatted": "Given Family", "familyName": "Family", "givenName": "Given" },
          "roles": []{{(extra is null ? "" : ",\n" + extra)}}
        }
        """;

    public static string Group(string displayName, string members = "") => $$"""
        {
          "schemas": ["{{GroupSchema}}", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
          "externalId": "{{Guid.NewGuid()}}",
          "displayName": "{{displayName}}",
          "meta": { "resourceType": "Group" }{{(members.Length == 0 ? "" : $", \"members\": [{members}]")}}
        }
        """;

    /// <summary>A PatchOp body around the given operations (JSON objects, comma-separated).</summary>
    public static string Patch(string operations) => $$"""
        { "schemas": ["{{PatchOp}}"], "Operations": [{{operations}}] }
        """;

    public static string Member(string id) => $$"""{ "value": "{{id}}" }""";
}
