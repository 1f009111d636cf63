using System.Net;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>
/// Per-app attribute rules, replaying Entra's documented custom attribute: the admin adds
/// <c>urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:costCenterCode</c> to Entra's attribute list
/// and maps it; a rule of the app turns it into the directory's custom profile attribute <c>costCenter2</c>. Entra
/// reads back exactly what it wrote; everyone else finds the profile attribute.
/// </summary>
public sealed class AttributeRuleTests(HubFactory hub)
{
    private const string Custom = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";
    private const string Profile = "urn:ietf:params:scim:schemas:extension:scimhub:2.0:User";

    private async Task<(ScimClient Entra, AdminClient Admin)> EntraWithRulesAsync(string rules)
    {
        var entra = await hub.NewAppAsync(Bodies.Unique("Entra"));
        var admin = await AdminClient.CreateAsync(hub);
        foreach (var name in new[] { "costCenter2", "unit", "origin" })
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync($"/api/directories/{entra.DirectoryId}/profile-attributes", $$"""{ "name": "{{name}}", "type": "string" }""")).Status);
        }

        var saved = await admin.SendAsync(HttpMethod.Put, $"/api/apps/{entra.AppId}/rules", rules);
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        return (entra, admin);
    }

    private const string CostCenterRules = $$"""
        { "rules": [
            { "source": "{{Custom}}:costCenterCode", "target": "costCenter2", "transform": "upper" },
            { "source": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division", "target": "unit", "transform": "trim", "default": "Unassigned" },
            { "constant": "entra", "target": "origin" }
        ] }
        """;

    private static string EntraUser(string userName, string costCenter, string? division = null) =>
        Bodies.User(userName, $$"""
            "{{Custom}}": { "costCenterCode": "{{costCenter}}" }{{(division is null ? "" : $$""", "{{Bodies.EnterpriseSchema}}": { "division": "{{division}}" }""")}}
            """).Replace($"\"schemas\": [\"{Bodies.UserSchema}\", \"{Bodies.EnterpriseSchema}\"]",
                $"\"schemas\": [\"{Bodies.UserSchema}\", \"{Bodies.EnterpriseSchema}\", \"{Custom}\"]", StringComparison.Ordinal);

    [Fact]
    public async Task Entras_custom_extension_attribute_fills_the_profile_attribute_and_reads_back_as_sent()
    {
        var (entra, _) = await EntraWithRulesAsync(CostCenterRules);

        var created = await entra.PostAsync("/Users", EntraUser(Bodies.Unique("cc"), "cc-100", "  Sales  "));
        var id = created.Id;
        var patched = await entra.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "Replace", "path": "{{Custom}}:costCenterCode", "value": "cc-200" }"""));
        var read = await entra.GetAsync($"/Users/{id}");
        var bySource = await entra.GetAsync($"/Users?filter={Uri.EscapeDataString($"{Custom}:costCenterCode eq \"cc-200\"")}");
        var byProfile = await entra.GetAsync($"/Users?filter={Uri.EscapeDataString($"{Profile}:costCenter2 eq \"CC-200\"")}");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("cc-100", created.Body![Custom]!["costCenterCode"]!.GetValue<string>());
        Assert.Equal("CC-100", created.Body[Profile]!["costCenter2"]!.GetValue<string>());
        Assert.Equal("Sales", created.Body[Profile]!["unit"]!.GetValue<string>());
        Assert.Equal("entra", created.Body[Profile]!["origin"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal("cc-200", read.Body![Custom]!["costCenterCode"]!.GetValue<string>());
        Assert.Equal("CC-200", read.Body[Profile]!["costCenter2"]!.GetValue<string>());
        Assert.Equal(id, Assert.Single(bySource.Items)!["id"]!.GetValue<string>());
        Assert.Equal(id, Assert.Single(byProfile.Items)!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_default_stands_in_for_an_empty_source_and_resending_the_same_user_changes_nothing()
    {
        var (entra, _) = await EntraWithRulesAsync(CostCenterRules);
        var userName = Bodies.Unique("same");
        var id = (await entra.PostAsync("/Users", EntraUser(userName, "cc-1"))).Id;
        var before = (await entra.GetAsync($"/Users/{id}")).Body!;

        var resent = await entra.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "Replace", "path": "{{Custom}}:costCenterCode", "value": "cc-1" }"""));

        Assert.Equal("Unassigned", before[Profile]!["unit"]!.GetValue<string>());
        Assert.Equal(before["meta"]!["version"]!.GetValue<string>(), resent.Body!["meta"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_app_of_the_directory_sees_the_profile_attribute_not_entras_extension_schema()
    {
        var (entra, _) = await EntraWithRulesAsync(CostCenterRules);
        var okta = await hub.NewAppInAsync(entra.DirectoryId, Bodies.Unique("Okta"));
        var id = (await entra.PostAsync("/Users", EntraUser(Bodies.Unique("shared"), "cc-7"))).Id;

        var schemas = await okta.GetAsync("/Schemas");
        var read = await okta.GetAsync($"/Users/{id}");
        var entraSchemas = await entra.GetAsync("/Schemas");

        Assert.DoesNotContain(schemas.Items, s => s!["id"]!.GetValue<string>() == Custom);
        Assert.Contains(entraSchemas.Items, s => s!["id"]!.GetValue<string>() == Custom);
        Assert.Equal("CC-7", read.Body![Profile]!["costCenter2"]!.GetValue<string>());
    }

    [Fact]
    public async Task Preview_shows_what_a_payload_becomes_without_saving_it()
    {
        var (entra, admin) = await EntraWithRulesAsync(CostCenterRules);
        var userName = Bodies.Unique("preview");

        var saved = await admin.PostAsync($"/api/apps/{entra.AppId}/rules/preview", $$"""{ "resource": {{EntraUser(userName, "cc-9", "Ops")}} }""");
        var tried = await admin.PostAsync($"/api/apps/{entra.AppId}/rules/preview", $$"""
            { "resource": {{EntraUser(userName, " cc-9 ")}}, "rules": [{ "source": "{{Custom}}:costCenterCode", "target": "costCenter2", "transform": "trim" }] }
            """);
        var refused = await admin.PostAsync($"/api/apps/{entra.AppId}/rules/preview", """{ "resource": { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"] } }""");

        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Equal("CC-9", saved.Body![Profile]!["costCenter2"]!.GetValue<string>());
        Assert.Equal("Ops", saved.Body[Profile]!["unit"]!.GetValue<string>());
        Assert.Equal("cc-9", tried.Body![Profile]!["costCenter2"]!.GetValue<string>());
        Assert.Null(tried.Body[Profile]!["origin"]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.NotNull(refused.Body!["errors"]!["resource"]);
        Assert.Equal(0, (await entra.GetAsync($"/Users?filter=userName eq \"{userName}\"")).TotalResults);
    }

    [Fact]
    public async Task A_deactivation_or_a_resend_never_overwrites_a_target_someone_else_changed()
    {
        var (entra, _) = await EntraWithRulesAsync(CostCenterRules);
        var okta = await hub.NewAppInAsync(entra.DirectoryId, Bodies.Unique("Okta"));
        var id = (await entra.PostAsync("/Users", EntraUser(Bodies.Unique("kept"), "cc-1"))).Id;
        await okta.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "Replace", "path": "{{Profile}}:origin", "value": "okta" }"""));
        var version = (await entra.GetAsync($"/Users/{id}")).Body!["meta"]!["version"]!.GetValue<string>();

        var resent = await entra.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "Replace", "path": "{{Custom}}:costCenterCode", "value": "cc-1" }"""));
        var deactivated = await entra.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }"""));

        Assert.Equal(version, resent.Body!["meta"]!["version"]!.GetValue<string>());
        Assert.Equal("okta", deactivated.Body![Profile]!["origin"]!.GetValue<string>());
        Assert.Equal("cc-1", deactivated.Body[Custom]!["costCenterCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_apps_put_keeps_this_apps_own_extension_and_patches_do_not_churn_versions()
    {
        var (entra, _) = await EntraWithRulesAsync(CostCenterRules);
        var okta = await hub.NewAppInAsync(entra.DirectoryId, Bodies.Unique("Okta"));
        var userName = Bodies.Unique("both");
        var id = (await entra.PostAsync("/Users", EntraUser(userName, "cc-5"))).Id;

        var put = await okta.PutAsync($"/Users/{id}", Bodies.User(userName, "\"title\": \"Okta title\""));
        await okta.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "title", "value": "Okta title 2" }"""));
        var before = (await entra.GetAsync($"/Users/{id}")).Body!;
        var resent = await entra.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "Replace", "path": "{{Custom}}:costCenterCode", "value": "cc-5" }"""));

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("cc-5", before[Custom]!["costCenterCode"]!.GetValue<string>());
        Assert.Equal(before["meta"]!["version"]!.GetValue<string>(), resent.Body!["meta"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_numeric_source_of_the_apps_own_extension_is_read_as_text()
    {
        var (entra, _) = await EntraWithRulesAsync($$"""{ "rules": [{ "source": "{{Custom}}:employeeLevel", "sourceType": "integer", "target": "costCenter2" }] }""");

        var created = await entra.PostAsync("/Users", Bodies.User(Bodies.Unique("num"), $$"""
            "{{Custom}}": { "employeeLevel": 42 }
            """).Replace($"\"schemas\": [\"{Bodies.UserSchema}\", \"{Bodies.EnterpriseSchema}\"]",
                $"\"schemas\": [\"{Bodies.UserSchema}\", \"{Bodies.EnterpriseSchema}\", \"{Custom}\"]", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(42, created.Body![Custom]!["employeeLevel"]!.GetValue<int>());
        Assert.Equal("42", created.Body[Profile]!["costCenter2"]!.GetValue<string>());
    }

    [Fact]
    public async Task Preview_of_a_payload_the_provider_would_be_refused_for_is_a_400_not_a_server_error()
    {
        var (entra, admin) = await EntraWithRulesAsync(CostCenterRules);

        var duplicate = await admin.PostAsync($"/api/apps/{entra.AppId}/rules/preview",
            """{ "resource": { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "a", "UserName": "b" } }""");
        var wrongType = await admin.PostAsync($"/api/apps/{entra.AppId}/rules/preview",
            """{ "resource": { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "a", "active": "maybe" } }""");
        var noRules = await admin.SendAsync(HttpMethod.Put, $"/api/apps/{entra.AppId}/rules", "{}");
        await hub.Service<ScimHub.Provisioning.Apps.ProvisioningApps>().UpdateAsync(entra.AppId, null, null, ["userName", "title"], TestContext.Current.CancellationToken);
        var missingRequired = await admin.PostAsync($"/api/apps/{entra.AppId}/rules/preview", $$"""{ "resource": {{EntraUser(Bodies.Unique("p"), "cc-1")}} }""");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (duplicate.Status, wrongType.Status, noRules.Status));
        Assert.NotNull(noRules.Body!["errors"]!["rules"]);
        Assert.Equal(HttpStatusCode.BadRequest, missingRequired.Status);
        Assert.Contains("'title'", missingRequired.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, (await admin.GetAsync($"/api/apps/{entra.AppId}/rules")).Body!["rules"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{ "rules": [{ "source": "title", "target": "nowhere" }] }""", "rules[0].target")]
    [InlineData("""{ "rules": [{ "source": "unit", "target": "costCenter2" }] }""", "rules[0].source")]
    [InlineData("""{ "rules": [{ "source": "urn:a\"b:2.0:User:x", "target": "costCenter2" }] }""", "rules[0].source")]
    [InlineData("""{ "rules": [{ "source": "urn:ietf:params:scim:schemas:core:2.0:Group:displayName", "target": "costCenter2" }] }""", "rules[0].source")]
    [InlineData("""{ "rules": [{ "source": "title", "target": "costCenter2", "sourceType": "date" }] }""", "rules[0].sourceType")]
    [InlineData("""{ "rules": [{ "source": "title", "target": "costCenter2" }, { "source": "nickName", "target": "costCenter2" }] }""", "rules[1].target")]
    [InlineData("""{ "rules": [{ "source": "urn:ietf:params:scim:schemas:extension:scimhub:2.0:User:unit", "target": "costCenter2" }] }""", "rules[0].source")]
    [InlineData("""{ "rules": [{ "source": "nickName2", "target": "costCenter2" }] }""", "rules[0].source")]
    [InlineData("""{ "rules": [{ "source": "emails", "target": "costCenter2" }] }""", "rules[0].source")]
    [InlineData("""{ "rules": [{ "source": "title", "target": "costCenter2", "transform": "reverse" }] }""", "rules[0].transform")]
    [InlineData("""{ "rules": [{ "target": "costCenter2" }] }""", "rules[0].source")]
    [InlineData("""{ "rules": [{ "source": "title", "constant": "x", "target": "costCenter2" }] }""", "rules[0].source")]
    [InlineData("""{ "rules": [{ "source": "title", "target": "costCenter2", "priority": 1 }] }""", "rules[0].priority")]
    public async Task Rules_that_reference_nothing_feed_each_other_or_do_not_parse_are_400s_and_nothing_is_saved(string body, string field)
    {
        var (entra, admin) = await EntraWithRulesAsync(CostCenterRules);

        var response = await admin.SendAsync(HttpMethod.Put, $"/api/apps/{entra.AppId}/rules", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.True(response.Body!["errors"]![field] is not null, response.Text);
        Assert.Equal(3, (await admin.GetAsync($"/api/apps/{entra.AppId}/rules")).Body!["rules"]!.AsArray().Count);
    }
}
