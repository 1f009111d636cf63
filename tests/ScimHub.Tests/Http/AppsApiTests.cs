using System.Net;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>Provisioning apps through the admin REST API, as an admin's script would drive it.</summary>
public sealed class AppsApiTests(HubFactory hub)
{
    private static string Text(AdminResponse response, string path) =>
        path.Split('.').Aggregate(response.Body!, (node, name) => node[name]!).GetValue<string>();

    private async Task<(AdminClient Admin, string DirectoryId)> AdminWithDirectoryAsync()
    {
        var admin = await AdminClient.CreateAsync(hub);
        var directory = await hub.Service<Provisioning.Directories.HubDirectories>().CreateAsync(Bodies.Unique("dir"), TestContext.Current.CancellationToken);
        return (admin, directory.Id);
    }

    private ScimClient ScimOf(AdminResponse created) =>
        new(hub.CreateClient(), Text(created, "app.id"), Text(created, "app.directoryId"), Text(created, "token.token"));

    [Fact]
    public async Task An_admin_creates_an_app_and_its_provider_can_provision_with_the_token_it_got()
    {
        var (admin, directoryId) = await AdminWithDirectoryAsync();
        var name = Bodies.Unique("Microsoft Entra ID");

        var created = await admin.PostAsync("/api/apps", $$"""{ "name": "{{name}}", "directory": "{{directoryId}}" }""");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal($"/api/apps/{Text(created, "app.id")}", created.Location?.ToString());
        Assert.Equal(name, Text(created, "app.name"));
        Assert.Equal(directoryId, Text(created, "app.directoryId"));
        Assert.EndsWith($"/scim/{Text(created, "app.id")}/v2", Text(created, "app.scimBaseUrl"), StringComparison.Ordinal);
        Assert.True(created.Body!["app"]!["features"]!["deleteUsers"]!.GetValue<bool>());
        Assert.Equal("delete", Text(created, "app.features.userDeleteAction"));
        var scim = ScimOf(created);
        Assert.Equal(HttpStatusCode.Created, (await scim.PostAsync("/Users", Bodies.User(Bodies.Unique("first")))).Status);
        var listed = await admin.GetAsync("/api/apps");
        Assert.Contains(listed.Body!.AsArray(), a => a!["id"]!.GetValue<string>() == scim.AppId && !a.AsObject().ContainsKey("token"));
        Assert.DoesNotContain(scim.Token, listed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_renames_and_switches_only_the_features_it_names()
    {
        var (admin, directoryId) = await AdminWithDirectoryAsync();
        var created = await admin.PostAsync("/api/apps", $$"""{ "name": "Okta", "directory": "{{directoryId}}", "features": { "createGroups": false } }""");
        var appId = Text(created, "app.id");

        var patched = await admin.PatchAsync($"/api/apps/{appId}", """{ "name": "Okta (prod)", "features": { "deleteUsers": true, "userDeleteAction": "deactivate" } }""");
        var read = await admin.GetAsync($"/api/apps/{appId}");

        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal("Okta (prod)", Text(read, "name"));
        Assert.Equal("deactivate", Text(read, "features.userDeleteAction"));
        Assert.False(read.Body!["features"]!["createGroups"]!.GetValue<bool>());
        Assert.True(read.Body["features"]!["createUsers"]!.GetValue<bool>());
        var scim = ScimOf(created);
        var userId = await scim.CreateUserAsync(Bodies.Unique("soft"));
        Assert.Equal(HttpStatusCode.NoContent, (await scim.DeleteAsync($"/Users/{userId}")).Status);
        Assert.False((await scim.GetAsync($"/Users/{userId}")).Body!["active"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Forbidden, (await scim.PostAsync("/Groups", Bodies.Group(Bodies.Unique("g")))).Status);
    }

    [Fact]
    public async Task Tokens_are_issued_listed_rotated_and_revoked_over_the_api()
    {
        var (admin, directoryId) = await AdminWithDirectoryAsync();
        var created = await admin.PostAsync("/api/apps", $$"""{ "name": "NAME", "directory": "{{directoryId}}" }""");
        var appId = Text(created, "app.id");
        var scim = ScimOf(created);

        var issued = await admin.PostAsync($"/api/apps/{appId}/tokens", """{ "name": "Entra production 2027", "expires": "90d" }""");
        var rotated = await admin.PostAsync($"/api/apps/{appId}/tokens/rotate", """{ "overlap": "24h" }""");
        var listed = await admin.GetAsync($"/api/apps/{appId}/tokens");
        var revoked = await admin.DeleteAsync($"/api/apps/{appId}/tokens/{Text(issued, "id")}");
        var revokedAgain = await admin.DeleteAsync($"/api/apps/{appId}/tokens/{Text(issued, "id")}");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (issued.Status, rotated.Status));
        Assert.StartsWith("scimhub_", Text(issued, "token"), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.Parse(Text(issued, "expires"), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddDays(89));
        var tokens = listed.Body!.AsArray();
        Assert.Equal(3, tokens.Count);
        Assert.All(tokens, t => Assert.Equal("active", t!["state"]!.GetValue<string>()));
        Assert.DoesNotContain(Text(issued, "token"), listed.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, revoked.Status);
        Assert.Equal(HttpStatusCode.NotFound, revokedAgain.Status);
        // Inside the overlap the first token still works, next to the rotated one; the revoked one does not.
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("/Users")).Status);
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("/Users", bearer: Text(rotated, "token"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await scim.GetAsync("/Users", bearer: Text(issued, "token"))).Status);
    }

    [Fact]
    public async Task Deleting_an_app_stops_its_tokens_and_unknown_apps_are_404_problems()
    {
        var (admin, directoryId) = await AdminWithDirectoryAsync();
        var created = await admin.PostAsync("/api/apps", $$"""{ "name": "Doomed", "directory": "{{directoryId}}" }""");
        var appId = Text(created, "app.id");

        var deleted = await admin.DeleteAsync($"/api/apps/{appId}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScimOf(created).GetAsync("/Users")).Status);
        foreach (var (method, path) in new[] { (HttpMethod.Get, ""), (HttpMethod.Delete, ""), (HttpMethod.Get, "/tokens"), (HttpMethod.Delete, "/tokens/x") })
        {
            var response = await admin.SendAsync(method, $"/api/apps/{appId}{path}", null);
            Assert.Equal(HttpStatusCode.NotFound, response.Status);
            Assert.Equal("application/problem+json", response.MediaType);
            Assert.Contains(appId, Text(response, "detail"), StringComparison.Ordinal);
        }

        var patch = await admin.PatchAsync($"/api/apps/{appId}", """{ "name": "x" }""");
        Assert.Equal(HttpStatusCode.NotFound, patch.Status);
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "POST", """{ "name": "" }""", "name" },
        { "POST", """{ "name": "   " }""", "name" },
        { "POST", $$"""{ "name": "{{new string('x', 201)}}" }""", "name" },
        { "POST", """{ "name": "NAME", "directory": "no-such-directory" }""", "directory" },
        { "POST", """{ "name": "NAME", "feature": { "createUsers": false } }""", "feature" },
        { "POST", """{ "name": "NAME", "features": { "deleteUser": false } }""", "features.deleteUser" },
        { "POST", """{ "name": "NAME", "features": { "deleteUsers": "no" } }""", "features.deleteUsers" },
        { "POST", """{ "name": "NAME", "features": { "userDeleteAction": "archive" } }""", "features.userDeleteAction" },
        { "POST", """{ "name": "NAME", "features": { "userDeleteAction": 1 } }""", "features.userDeleteAction" },
        { "POST", """{ "name": 42 }""", "name" },
        { "POST", """[1, 2]""", "body" },
        { "PATCH", """{ "name": "" }""", "name" },
        { "PATCH", """{ "features": { "createUsers": null, "updateGroup": true } }""", "features.updateGroup" },
        { "TOKEN", """{ "expires": "yesterday" }""", "expires" },
        { "TOKEN", """{ "expires": "2020-01-01T00:00:00Z" }""", "expires" },
        { "TOKEN", """{ "name": "" }""", "name" },
        { "ROTATE", """{ "overlap": "45d" }""", "overlap" },
        { "ROTATE", """{ "overlap": "forever" }""", "overlap" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_400_problem_naming_the_field_and_saves_nothing(string kind, string body, string field)
    {
        var (admin, directoryId) = await AdminWithDirectoryAsync();
        var created = await admin.PostAsync("/api/apps", $$"""{ "name": "Before", "directory": "{{directoryId}}" }""");
        var appId = Text(created, "app.id");
        var unique = Bodies.Unique("Never");
        body = body.Replace("NAME", unique, StringComparison.Ordinal);

        var response = kind switch
        {
            "POST" => await admin.PostAsync("/api/apps", body),
            "PATCH" => await admin.PatchAsync($"/api/apps/{appId}", body),
            "TOKEN" => await admin.PostAsync($"/api/apps/{appId}/tokens", body),
            _ => await admin.PostAsync($"/api/apps/{appId}/tokens/rotate", body),
        };

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.True(response.Body!["errors"]![field] is not null, $"errors should name '{field}': {response.Text}");
        Assert.DoesNotContain("System.", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(unique, (await admin.GetAsync("/api/apps")).Text, StringComparison.Ordinal);
        var after = await admin.GetAsync($"/api/apps/{appId}");
        Assert.Equal("Before", Text(after, "name"));
        Assert.True(after.Body!["features"]!["createUsers"]!.GetValue<bool>());
        Assert.Single((await admin.GetAsync($"/api/apps/{appId}/tokens")).Body!.AsArray());
    }

    [Fact]
    public async Task The_apps_api_needs_an_admin_key_and_refuses_app_tokens()
    {
        var scim = await hub.NewAppAsync();
        var admin = await AdminClient.CreateAsync(hub);

        var none = await admin.SendAsync(HttpMethod.Get, "/api/apps", null, bearer: "");
        var appToken = await admin.SendAsync(HttpMethod.Post, "/api/apps", """{ "name": "sneaky" }""", bearer: scim.Token);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (none.Status, appToken.Status));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_admin_api_and_not_the_scim_endpoints()
    {
        using var http = hub.CreateClient();

        using var response = await http.GetAsync(new Uri("/api/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        var document = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/apps", paths);
        Assert.Contains("/api/apps/{appId}/tokens/rotate", paths);
        Assert.Contains("/api/reports/provisioning", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/scim", StringComparison.Ordinal));
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["AdminKey"]!["scheme"]!.GetValue<string>());
        Assert.NotNull(document["components"]!["schemas"]!["AppFeatures"]);
    }
}
