using System.Net;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

public sealed class ExtensionPatchTests(HubFactory hub)
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Fact]
    public async Task Patch_with_the_extension_urn_as_path_sets_its_attributes_and_remove_drops_it()
    {
        var scim = await hub.NewAppAsync();
        var id = await scim.CreateUserAsync(Bodies.Unique("ext"));

        var added = await scim.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "add", "path": "{{Enterprise}}", "value": { "department": "Finance", "costCenter": "4130" } }"""));
        var removed = await scim.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "remove", "path": "{{Enterprise}}" }"""));

        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Equal("Finance", added.Body![Enterprise]!["department"]!.GetValue<string>());
        Assert.Contains(Enterprise, added.Body["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Null(removed.Body![Enterprise]);
        Assert.DoesNotContain(Enterprise, removed.Body["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task Entra_changing_the_manager_replaces_the_old_managers_reference_whole()
    {
        var scim = await hub.NewAppAsync();
        var id = await scim.CreateUserAsync(Bodies.Unique("report"), $$""" "{{Enterprise}}": { "manager": { "value": "m1", "$ref": "../Users/m1" } } """);

        var changed = await scim.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "Replace", "path": "{{Enterprise}}:manager", "value": "m2" }"""));

        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse("""{ "value": "m2" }"""), changed.Body![Enterprise]!["manager"]));
    }
}
