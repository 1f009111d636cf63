using System.Net;
using System.Text.Json.Nodes;
using ScimHub.Provisioning.Apps;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>
/// App templates preset the attributes a provider's creates must carry. For Microsoft Entra ID: userName,
/// name.givenName, name.familyName, emails[type eq "work"].value, displayName and active; a create missing one is a
/// 400 naming it, and nothing is created.
/// </summary>
public sealed class AppTemplateTests(HubFactory hub)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<ScimClient> NewAppAsync(string template, string? name = null)
    {
        var directory = await hub.Service<Provisioning.Directories.HubDirectories>().CreateAsync(Bodies.Unique("dir"), Ct);
        var (app, token) = await hub.Service<ProvisioningApps>().CreateAsync(directory.Id, name ?? Bodies.Unique("Entra"), template, null, null, Ct);
        return new ScimClient(hub.CreateClient(), app.Id, directory.Id, token.Token);
    }

    /// <summary>Entra's documented create (Bodies.User) with one attribute taken out.</summary>
    private static string Without(string userName, string attribute)
    {
        var body = JsonNode.Parse(Bodies.User(userName))!.AsObject();
        switch (attribute)
        {
            case "name.givenName" or "name.familyName":
                body["name"]!.AsObject().Remove(attribute["name.".Length..]);
                break;
            case "emails[type eq \"work\"].value":
                body["emails"] = new JsonArray(new JsonObject { ["type"] = "home", ["value"] = $"{userName}@home.example" });
                break;
            default:
                body.Remove(attribute);
                break;
        }

        return body.ToJsonString();
    }

    public static TheoryData<string> EntraRequired => ["userName", "name.givenName", "name.familyName", "emails[type eq \"work\"].value", "displayName", "active"];

    [Theory]
    [MemberData(nameof(EntraRequired))]
    public async Task An_entra_app_refuses_a_create_missing_a_required_attribute_naming_it(string attribute)
    {
        var scim = await NewAppAsync("entra");
        var userName = Bodies.Unique("partial");

        var response = await scim.PostAsync("/Users", Without(userName, attribute));

        response.AssertError(HttpStatusCode.BadRequest, "invalidValue");
        // userName is required by the schema itself, whose error names it in its own words.
        Assert.Contains($"'{attribute}'", response.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, (await scim.GetAsync("/Users")).TotalResults);
    }

    [Fact]
    public async Task An_entra_app_accepts_entras_documented_create_and_a_generic_app_accepts_less()
    {
        var entra = await NewAppAsync("entra");
        var generic = await NewAppAsync("generic");

        var full = await entra.PostAsync("/Users", Bodies.User(Bodies.Unique("full")));
        var bare = await generic.PostAsync("/Users", $$"""{ "schemas": ["{{Bodies.UserSchema}}"], "userName": "{{Bodies.Unique("bare")}}" }""");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (full.Status, bare.Status));
    }

    [Fact]
    public async Task Required_attributes_bind_creates_only_so_an_older_user_can_still_be_deactivated()
    {
        var scim = await NewAppAsync("generic");
        var id = await scim.CreateUserAsync(Bodies.Unique("older"));
        var app = await hub.Service<ProvisioningApps>().UpdateAsync(scim.AppId, null, null, ["userName", "title"], Ct);

        var deactivated = await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }"""));
        var created = await scim.PostAsync("/Users", Bodies.User(Bodies.Unique("new")));

        Assert.Equal(["userName", "title"], app!.RequiredAttributes.Paths);
        Assert.Equal(HttpStatusCode.OK, deactivated.Status);
        created.AssertError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("'title'", created.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_create_in_a_bulk_request_fails_alone_and_is_a_failure_event()
    {
        var appName = Bodies.Unique("Entra");
        var scim = await NewAppAsync("entra", appName);
        var admin = await AdminClient.CreateAsync(hub);
        var (partial, complete) = (Bodies.Unique("partial"), Bodies.Unique("complete"));

        var response = await scim.PostAsync("/Bulk", $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
              "Operations": [
                { "method": "POST", "path": "/Users", "bulkId": "a", "data": {{Without(partial, "displayName")}} },
                { "method": "POST", "path": "/Users", "bulkId": "b", "data": {{Bodies.User(complete)}} }
              ]
            }
            """);

        var operations = response.Body!["Operations"]!.AsArray();
        Assert.Equal(("400", "201"), (operations[0]!["status"]!.ToString(), operations[1]!["status"]!.ToString()));
        var failure = Assert.Single(await admin.EventsOfAppAsync(appName), e => e["outcome"]!.GetValue<string>() == "failure");
        Assert.Equal(partial, failure["subject"]!.GetValue<string>());
        Assert.Contains("'displayName'", failure["errorDetail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Templates_are_listed_and_an_app_made_from_one_shows_its_required_attributes()
    {
        var admin = await AdminClient.CreateAsync(hub);
        var directory = await hub.Service<Provisioning.Directories.HubDirectories>().CreateAsync(Bodies.Unique("dir"), Ct);

        var templates = await admin.GetAsync("/api/app-templates");
        var okta = await admin.PostAsync("/api/apps", $$"""{ "name": "Okta", "directory": "{{directory.Id}}", "template": "OKTA" }""");
        var custom = await admin.PostAsync("/api/apps", $$"""{ "name": "Custom", "directory": "{{directory.Id}}", "template": "entra", "requiredAttributes": ["userName", "externalId"] }""");
        var patched = await admin.PatchAsync($"/api/apps/{custom.Body!["app"]!["id"]}", """{ "requiredAttributes": ["userName", "emails[type eq \"work\"].value"] }""");

        Assert.Equal(["entra", "okta", "onelogin", "google", "generic"], templates.Body!.AsArray().Select(t => t!["id"]!.GetValue<string>()));
        Assert.Equal("okta", okta.Body!["app"]!["template"]!.GetValue<string>());
        Assert.Equal(["userName", "name.givenName", "name.familyName", "emails", "active"], okta.Body["app"]!["requiredAttributes"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["userName", "externalId"], custom.Body["app"]!["requiredAttributes"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["userName", "emails[type eq \"work\"].value"], patched.Body!["requiredAttributes"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Theory]
    [InlineData("""{ "name": "X", "template": "azure" }""", "template")]
    [InlineData("""{ "name": "X", "requiredAttributes": ["userName", "nickName2"] }""", "requiredAttributes[1]")]
    [InlineData("""{ "name": "X", "requiredAttributes": ["emails[type eq \"work\".value"] }""", "requiredAttributes[0]")]
    [InlineData("""{ "name": "X", "requiredAttributes": ["userName", "USERNAME"] }""", "requiredAttributes[1]")]
    [InlineData("""{ "name": "X", "requiredAttributes": [""] }""", "requiredAttributes[0]")]
    [InlineData("""{ "name": "X", "requiredAttributes": ["id"] }""", "requiredAttributes[0]")]
    [InlineData("""{ "name": "X", "requiredAttributes": ["meta.created"] }""", "requiredAttributes[0]")]
    [InlineData("""{ "name": "X", "requiredAttributes": ["groups"] }""", "requiredAttributes[0]")]
    [InlineData("""{ "name": "X", "requiredAttributes": ["password"] }""", "requiredAttributes[0]")]
    [InlineData("""{ "name": "X", "requiredAttributes": ["userName pr or title"] }""", "requiredAttributes[0]")]
    public async Task Unknown_templates_and_unusable_attribute_paths_are_400s_naming_them(string body, string field)
    {
        var admin = await AdminClient.CreateAsync(hub);

        var response = await admin.PostAsync("/api/apps", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.NotNull(response.Body!["errors"]![field]);
    }
}
