using System.Text;

namespace ScimHub.Bench;

/// <summary>Requests shaped as Microsoft Entra ID sends them (MS-TUT request catalogue; default, non-compliant PATCH dialect).</summary>
internal static class EntraRequests
{
    public static string UserName(string run, int i) => $"user{i}.{run}@contoso.com";

    public static HttpRequestMessage CreateUser(string basePath, string run, int i) => Json(HttpMethod.Post, $"{basePath}/Users", $$"""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "externalId": "{{Guid.NewGuid()}}",
          "userName": "{{UserName(run, i)}}",
          "active": true,
          "displayName": "User {{i}}",
          "emails": [{ "primary": true, "type": "work", "value": "{{UserName(run, i)}}" }],
          "meta": { "resourceType": "User" },
          "name": { "formatted": "Given{{i}} Family{{i}}", "familyName": "Family{{i}}", "givenName": "Given{{i}}" },
          "phoneNumbers": [{ "type": "work", "value": "+1 555 010 {{i % 10000:D4}}" }, { "type": "mobile", "value": "+1 555 020 {{i % 10000:D4}}" }],
          "addresses": [{ "type": "work", "streetAddress": "{{i}} Main St", "locality": "Redmond", "region": "WA", "postalCode": "98052", "country": "US", "primary": true }],
          "title": "Engineer",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "employeeNumber": "{{i}}", "department": "Dept {{i % 50}}", "costCenter": "CC{{i % 20}}" },
          "roles": []
        }
        """);

    public static HttpRequestMessage Lookup(string basePath, string userName) =>
        new(HttpMethod.Get, $"{basePath}/Users?filter={Uri.EscapeDataString($"userName eq \"{userName}\"")}");

    public static HttpRequestMessage Patch(string basePath, string id, int i) => Json(new HttpMethod("PATCH"), $"{basePath}/Users/{id}", $$"""
        {
          "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [
            { "op": "Replace", "path": "displayName", "value": "Renamed {{i}}" },
            { "op": "Replace", "path": "title", "value": "Title {{i}}" },
            { "op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Dept {{i % 7}}" },
            { "op": "Replace", "path": "active", "value": "{{(i % 2 == 0 ? "False" : "True")}}" }
          ]
        }
        """);

    public static HttpRequestMessage CreateGroup(string basePath, string name) => Json(HttpMethod.Post, $"{basePath}/Groups", $$"""
        { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "externalId": "{{Guid.NewGuid()}}", "displayName": "{{name}}", "meta": { "resourceType": "Group" } }
        """);

    /// <summary>One PATCH adding (or, Entra's default dialect, removing) a batch of members.</summary>
    public static HttpRequestMessage Members(string basePath, string groupId, string op, IEnumerable<string> ids) => Json(new HttpMethod("PATCH"), $"{basePath}/Groups/{groupId}", $$"""
        { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{ "op": "{{op}}", "path": "members", "value": [{{string.Join(",", ids.Select(id => $"{{\"value\":\"{id}\"}}"))}}] }] }
        """);

    public static HttpRequestMessage Page(string basePath, int startIndex, int count) =>
        new(HttpMethod.Get, $"{basePath}/Users?startIndex={startIndex}&count={count}&attributes=id");

    private static HttpRequestMessage Json(HttpMethod method, string path, string body) =>
        new(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/scim+json") };
}
