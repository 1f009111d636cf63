using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using ScimHub.Provisioning.Profiles;
using ScimHub.Provisioning.Storage;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>
/// Custom profile attributes: an admin defines them per directory, they appear over SCIM in the hub's extension schema
/// (discovery, writes, reads, filters, PATCH by URN path as Entra's "Add attribute mapping" targets them), and
/// removing one that holds data needs confirmation and leaves an audit entry.
/// </summary>
public sealed class ProfileAttributeTests(HubFactory hub)
{
    private const string Urn = "urn:ietf:params:scim:schemas:extension:scimhub:2.0:User";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(ScimClient Scim, AdminClient Admin)> DirectoryWithAttributesAsync()
    {
        var scim = await hub.NewAppAsync(Bodies.Unique("Entra"));
        var admin = await AdminClient.CreateAsync(hub);
        foreach (var body in new[]
        {
            """{ "name": "costCenter2", "type": "string", "description": "Cost center code from HR" }""",
            """{ "name": "level", "type": "integer" }""",
            """{ "name": "badges", "type": "string", "multiValued": true, "caseExact": true }""",
            """{ "name": "contractEnd", "type": "dateTime" }""",
        })
        {
            var added = await admin.PostAsync($"/api/directories/{scim.DirectoryId}/profile-attributes", body);
            Assert.Equal(HttpStatusCode.Created, added.Status);
        }

        return (scim, admin);
    }

    private static string UserWith(string userName, string profile) =>
        Bodies.User(userName, $"\"{Urn}\": {profile}").Replace(
            $"\"schemas\": [\"{Bodies.UserSchema}\", \"{Bodies.EnterpriseSchema}\"]",
            $"\"schemas\": [\"{Bodies.UserSchema}\", \"{Bodies.EnterpriseSchema}\", \"{Urn}\"]", StringComparison.Ordinal);

    [Fact]
    public async Task Custom_attributes_are_listed_in_schemas_and_resource_types_with_their_characteristics()
    {
        var (scim, _) = await DirectoryWithAttributesAsync();

        var schema = await scim.GetAsync($"/Schemas/{Urn}");
        var userType = await scim.GetAsync("/ResourceTypes/User");
        var all = await scim.GetAsync("/Schemas");

        Assert.Equal(HttpStatusCode.OK, schema.Status);
        var attributes = schema.Body!["attributes"]!.AsArray();
        Assert.Equal(["costCenter2", "level", "badges", "contractEnd"], attributes.Select(a => a!["name"]!.GetValue<string>()));
        var badges = attributes[2]!;
        Assert.True(badges["multiValued"]!.GetValue<bool>());
        Assert.True(badges["caseExact"]!.GetValue<bool>());
        Assert.Equal("integer", attributes[1]!["type"]!.GetValue<string>());
        Assert.Equal("dateTime", attributes[3]!["type"]!.GetValue<string>());
        Assert.Equal("Cost center code from HR", attributes[0]!["description"]!.GetValue<string>());
        Assert.Contains(userType.Body!["schemaExtensions"]!.AsArray(), e => e!["schema"]!.GetValue<string>() == Urn && !e["required"]!.GetValue<bool>());
        Assert.Contains(all.Items, s => s!["id"]!.GetValue<string>() == Urn);
    }

    [Fact]
    public async Task Entra_writes_patches_and_filters_a_custom_attribute_by_its_urn_path_and_reads_back_what_it_wrote()
    {
        var (scim, _) = await DirectoryWithAttributesAsync();
        var userName = Bodies.Unique("custom");

        var created = await scim.PostAsync("/Users", UserWith(userName, """{ "costCenter2": "CC-100", "level": 3, "badges": ["Red", "blue"] }"""));
        var id = created.Id;
        // Entra, attribute mapped to the URN path: a Replace with the full path, then its path-less form with a URN key.
        var patched = await scim.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "Replace", "path": "{{Urn}}:costCenter2", "value": "CC-200" }"""));
        var pathless = await scim.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "Replace", "value": { "{{Urn}}:level": "4" } }"""));
        var byCostCenter = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"{Urn}:costCenter2 eq \"cc-200\"")}");
        var byLevel = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"{Urn}:level gt 3")}");
        var byBadgeExact = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"{Urn}:badges eq \"red\"")}");
        var read = await scim.GetAsync($"/Users/{id}");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (patched.Status, pathless.Status));
        Assert.Equal(id, Assert.Single(byCostCenter.Items)!["id"]!.GetValue<string>());
        Assert.Equal(id, Assert.Single(byLevel.Items)!["id"]!.GetValue<string>());
        Assert.Empty(byBadgeExact.Items);
        var profile = read.Body![Urn]!;
        Assert.Equal("CC-200", profile["costCenter2"]!.GetValue<string>());
        Assert.Equal(4, profile["level"]!.GetValue<int>());
        Assert.Equal(["Red", "blue"], profile["badges"]!.AsArray().Select(b => b!.GetValue<string>()));
        Assert.Contains(read.Body["schemas"]!.AsArray(), s => s!.GetValue<string>() == Urn);
    }

    [Theory]
    [InlineData("""{ "level": "three" }""")]
    [InlineData("""{ "costCenter2": ["a", "b"] }""")]
    [InlineData("""{ "contractEnd": "next year" }""")]
    [InlineData("""{ "unknownThing": "x" }""")]
    public async Task Values_of_the_wrong_type_or_unknown_custom_attributes_are_400s(string profile)
    {
        var (scim, _) = await DirectoryWithAttributesAsync();

        var response = await scim.PostAsync("/Users", UserWith(Bodies.Unique("bad"), profile));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.NotNull(response.ScimType);
    }

    [Fact]
    public async Task Another_directory_knows_nothing_of_the_attribute()
    {
        var (_, _) = await DirectoryWithAttributesAsync();
        var other = await hub.NewAppAsync();

        var schema = await other.GetAsync($"/Schemas/{Urn}");
        var write = await other.PostAsync("/Users", UserWith(Bodies.Unique("other"), """{ "costCenter2": "CC-1" }"""));

        Assert.Equal(HttpStatusCode.NotFound, schema.Status);
        write.AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Fact]
    public async Task A_required_custom_attribute_is_needed_on_create_only()
    {
        var scim = await hub.NewAppAsync();
        var admin = await AdminClient.CreateAsync(hub);
        var existing = await scim.CreateUserAsync(Bodies.Unique("before"));
        await admin.PostAsync($"/api/directories/{scim.DirectoryId}/profile-attributes", """{ "name": "badgeNumber", "type": "string", "required": true }""");

        var missing = await scim.PostAsync("/Users", Bodies.User(Bodies.Unique("missing")));
        var present = await scim.PostAsync("/Users", UserWith(Bodies.Unique("present"), """{ "badgeNumber": "B-1" }"""));
        var deactivated = await scim.PatchAsync($"/Users/{existing}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }"""));

        missing.AssertError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("badgeNumber", missing.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (present.Status, deactivated.Status));
    }

    [Fact]
    public async Task Removing_an_attribute_that_holds_values_needs_confirmation_then_removes_them_and_keeps_an_audit_entry()
    {
        var (scim, admin) = await DirectoryWithAttributesAsync();
        var holder = (await scim.PostAsync("/Users", UserWith(Bodies.Unique("holder"), """{ "costCenter2": "CC-9" }"""))).Id;
        var both = (await scim.PostAsync("/Users", UserWith(Bodies.Unique("both"), """{ "costCenter2": "CC-8", "level": 2 }"""))).Id;
        var versionBefore = (await scim.GetAsync($"/Users/{holder}")).Body!["meta"]!["version"]!.GetValue<string>();

        var refused = await admin.DeleteAsync($"/api/directories/{scim.DirectoryId}/profile-attributes/costCenter2");
        var stillThere = await scim.GetAsync($"/Users/{holder}");
        var confirmed = await admin.DeleteAsync($"/api/directories/{scim.DirectoryId}/profile-attributes/costCenter2?confirm=true");

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("2 user(s)", refused.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("CC-9", stillThere.Body![Urn]!["costCenter2"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, confirmed.Status);
        Assert.Equal(2, confirmed.Body!["usersWithValues"]!.GetValue<int>());
        var holderAfter = (await scim.GetAsync($"/Users/{holder}")).Body!;
        var bothAfter = (await scim.GetAsync($"/Users/{both}")).Body!;
        Assert.Null(holderAfter[Urn]);
        Assert.DoesNotContain(holderAfter["schemas"]!.AsArray(), s => s!.GetValue<string>() == Urn);
        Assert.NotEqual(versionBefore, holderAfter["meta"]!["version"]!.GetValue<string>());
        Assert.Equal(2, bothAfter[Urn]!["level"]!.GetValue<int>());
        Assert.Null(bothAfter[Urn]!["costCenter2"]);
        var write = await scim.PatchAsync($"/Users/{holder}", Bodies.Patch($$"""{ "op": "Replace", "path": "{{Urn}}:costCenter2", "value": "again" }"""));
        Assert.Equal(HttpStatusCode.BadRequest, write.Status);
        Assert.DoesNotContain((await admin.GetAsync($"/api/directories/{scim.DirectoryId}/profile-attributes")).Body!.AsArray(), a => a!["name"]!.GetValue<string>() == "costCenter2");
        await using var connection = await hub.Service<Database>().OpenAsync(Ct);
        var audit = await connection.QuerySingleAsync<(string Action, string Target, string Detail)>(
            "SELECT action, target, detail FROM admin_audit WHERE directory_id = @directoryId AND action = 'profile-attribute-removed'", new { directoryId = scim.DirectoryId });
        Assert.Equal(("profile-attribute-removed", "costCenter2"), (audit.Action, audit.Target));
        Assert.Contains("2 user(s)", audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_string_is_a_value_too_so_removing_it_needs_confirmation()
    {
        var (scim, admin) = await DirectoryWithAttributesAsync();
        var id = (await scim.PostAsync("/Users", UserWith(Bodies.Unique("empty"), """{ "costCenter2": "" }"""))).Id;

        var refused = await admin.DeleteAsync($"/api/directories/{scim.DirectoryId}/profile-attributes/costCenter2");
        var confirmed = await admin.DeleteAsync($"/api/directories/{scim.DirectoryId}/profile-attributes/costCenter2?confirm=true");

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(1, confirmed.Body!["usersWithValues"]!.GetValue<int>());
        Assert.Null((await scim.GetAsync($"/Users/{id}")).Body![Urn]?["costCenter2"]);
    }

    [Fact]
    public async Task A_value_left_under_a_removed_name_does_not_come_back_when_the_name_is_added_again_with_another_type()
    {
        var (scim, admin) = await DirectoryWithAttributesAsync();
        var id = (await scim.PostAsync("/Users", UserWith(Bodies.Unique("leftover"), """{ "level": 1 }"""))).Id;
        await admin.DeleteAsync($"/api/directories/{scim.DirectoryId}/profile-attributes/costCenter2");
        // A write that raced the removal with the old schema: the value is in the user, the definition is not.
        var database = hub.Service<Database>();
        await using (var write = await database.BeginAsync(Ct))
        {
            var resource = JsonNode.Parse(await write.Connection.ExecuteScalarAsync<string>(
                "SELECT resource FROM users WHERE directory_id = @directoryId AND id = @id", new { directoryId = scim.DirectoryId, id }, write.Transaction) ?? "{}")!;
            resource[Urn]!["costCenter2"] = "not a number";
            await write.Connection.ExecuteAsync("UPDATE users SET resource = @json WHERE directory_id = @directoryId AND id = @id",
                new { json = resource.ToJsonString(), directoryId = scim.DirectoryId, id }, write.Transaction);
            await write.CommitAsync(Ct);
        }

        var added = await admin.PostAsync($"/api/directories/{scim.DirectoryId}/profile-attributes", """{ "name": "costCenter2", "type": "integer" }""");
        var read = await scim.GetAsync($"/Users/{id}");
        var filtered = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"{Urn}:costCenter2 gt 1")}");

        Assert.Equal(HttpStatusCode.Created, added.Status);
        Assert.Null(read.Body![Urn]!["costCenter2"]);
        Assert.Equal(1, read.Body[Urn]!["level"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, filtered.Status);
        Assert.Empty(filtered.Items);
    }

    [Fact]
    public async Task Removing_an_unused_attribute_needs_no_confirmation()
    {
        var (scim, admin) = await DirectoryWithAttributesAsync();

        var removed = await admin.DeleteAsync($"/api/directories/{scim.DirectoryId}/profile-attributes/contractEnd");
        var again = await admin.DeleteAsync($"/api/directories/{scim.DirectoryId}/profile-attributes/contractEnd");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NotFound), (removed.Status, again.Status));
        Assert.Equal(0, removed.Body!["usersWithValues"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{ "name": "costCenter2", "type": "string" }""", "name")]
    [InlineData("""{ "name": "COSTCENTER2", "type": "string" }""", "name")]
    [InlineData("""{ "name": "title", "type": "string" }""", "name")]
    [InlineData("""{ "name": "employeeNumber", "type": "string" }""", "name")]
    [InlineData("""{ "name": "2fast", "type": "string" }""", "name")]
    [InlineData("""{ "name": "$ref", "type": "string" }""", "name")]
    [InlineData("""{ "name": "has space", "type": "string" }""", "name")]
    [InlineData("""{ "name": "x", "type": "text" }""", "type")]
    [InlineData("""{ "name": "x" }""", "type")]
    [InlineData("""{ "name": "x", "type": "string", "multi": true }""", "multi")]
    [InlineData("""{ "name": "x", "type": "string", "required": "yes" }""", "required")]
    public async Task Bad_definitions_are_400s_naming_the_field_and_add_nothing(string body, string field)
    {
        var (scim, admin) = await DirectoryWithAttributesAsync();

        var response = await admin.PostAsync($"/api/directories/{scim.DirectoryId}/profile-attributes", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.NotNull(response.Body!["errors"]![field]);
        Assert.Equal(4, (await admin.GetAsync($"/api/directories/{scim.DirectoryId}/profile-attributes")).Body!.AsArray().Count);
    }

    [Fact]
    public async Task An_unknown_directory_is_a_404_problem()
    {
        var admin = await AdminClient.CreateAsync(hub);

        var response = await admin.PostAsync("/api/directories/no-such-directory/profile-attributes", """{ "name": "x", "type": "string" }""");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
    }

    [Fact]
    public void A_definition_becomes_the_schema_attribute_it_describes()
    {
        var definition = new ProfileAttributeDefinition("hired", "dateTime", Required: true).ToDefinition();

        Assert.Equal((ScimHub.Core.Schemas.AttributeType.DateTime, true, false), (definition.Type, definition.Required, definition.MultiValued));
    }
}
