using System.Net;
using System.Text.Json.Nodes;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

public sealed class GroupsEndpointTests(HubFactory hub)
{
    [Fact]
    public async Task New_group_without_members_has_an_empty_members_list()
    {
        var scim = await hub.NewAppAsync();

        var created = await scim.PostAsync("/Groups", Bodies.Group(Bodies.Unique("Empty")));

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.True(JsonNode.DeepEquals(new JsonArray(), created.Body!["members"]));
        Assert.Equal("Group", created.Body["meta"]!["resourceType"]!.GetValue<string>());
    }

    [Fact]
    public async Task Group_displayName_is_unique_in_the_directory_whatever_its_case()
    {
        var scim = await hub.NewAppAsync();
        var name = Bodies.Unique("Sales");
        await scim.CreateGroupAsync(name);

        var response = await scim.PostAsync("/Groups", Bodies.Group(name.ToLowerInvariant()));

        response.AssertError(HttpStatusCode.Conflict, "uniqueness");
    }

    [Fact]
    public async Task Patch_adds_members_answers_204_and_readding_is_a_no_op()
    {
        var scim = await hub.NewAppAsync();
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
        var bob = await scim.CreateUserAsync(Bodies.Unique("bob"));
        var group = await scim.CreateGroupAsync(Bodies.Unique("Team"));
        var add = Bodies.Patch($$"""{ "op": "Add", "path": "members", "value": [{ "$ref": null, "value": "{{alice}}" }, { "$ref": null, "value": "{{bob}}" }] }""");

        var first = await scim.PatchAsync($"/Groups/{group}", add);
        var again = await scim.PatchAsync($"/Groups/{group}", add);
        var read = await scim.GetAsync($"/Groups/{group}");

        Assert.Equal(HttpStatusCode.NoContent, first.Status);
        Assert.Null(first.Body);
        Assert.Equal(HttpStatusCode.NoContent, again.Status);
        Assert.Equal(2, read.Body!["members"]!.AsArray().Count);
        Assert.Equal("W/\"2\"", read.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Entra_style_remove_with_a_value_list_removes_only_those_members()
    {
        var scim = await hub.NewAppAsync();
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
        var bob = await scim.CreateUserAsync(Bodies.Unique("bob"));
        var group = (await scim.PostAsync("/Groups", Bodies.Group(Bodies.Unique("Team"), $"{Bodies.Member(alice)}, {Bodies.Member(bob)}"))).Id;

        var removed = await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "Remove", "path": "members", "value": [{ "value": "{{alice}}" }] }"""));
        var read = await scim.GetAsync($"/Groups/{group}");

        Assert.Equal(HttpStatusCode.NoContent, removed.Status);
        Assert.Equal(bob, Assert.Single(read.Body!["members"]!.AsArray())!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_with_attributes_asked_for_answers_200_with_the_group()
    {
        var scim = await hub.NewAppAsync();
        var group = await scim.CreateGroupAsync(Bodies.Unique("Renamed"));
        var newName = Bodies.Unique("New Name");

        var response = await scim.PatchAsync($"/Groups/{group}?attributes=displayName", Bodies.Patch($$"""{ "op": "Replace", "path": "displayName", "value": "{{newName}}" }"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(newName, response.Body!["displayName"]!.GetValue<string>());
        Assert.Null(response.Body["members"]);
    }

    [Fact]
    public async Task ExcludedAttributes_members_leaves_members_out_of_reads_and_lists()
    {
        var scim = await hub.NewAppAsync();
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
        var name = Bodies.Unique("Excluded");
        var group = (await scim.PostAsync("/Groups", Bodies.Group(name, Bodies.Member(alice)))).Id;

        var read = await scim.GetAsync($"/Groups/{group}?excludedAttributes=members");
        var listed = await scim.GetAsync($"/Groups?excludedAttributes=members&filter={Uri.EscapeDataString($"displayName eq \"{name}\"")}");

        Assert.False(read.Body!.AsObject().ContainsKey("members"));
        Assert.False(Assert.Single(listed.Items)!.AsObject().ContainsKey("members"));
    }

    [Fact]
    public async Task A_users_groups_attribute_follows_its_memberships()
    {
        var scim = await hub.NewAppAsync();
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
        var name = Bodies.Unique("Readers");
        var group = (await scim.PostAsync("/Groups", Bodies.Group(name, Bodies.Member(alice)))).Id;

        var member = await scim.GetAsync($"/Users/{alice}");
        var byGroup = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"groups.value eq \"{group}\"")}");
        await scim.DeleteAsync($"/Groups/{group}");
        var after = await scim.GetAsync($"/Users/{alice}");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""[{ "value": "{{group}}", "display": "{{name}}", "type": "direct" }]"""), member.Body!["groups"]));
        Assert.Equal(1, byGroup.TotalResults);
        Assert.Null(after.Body!["groups"]);
    }

    [Fact]
    public async Task Writing_groups_on_a_user_is_a_mutability_error()
    {
        var scim = await hub.NewAppAsync();
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));

        var response = await scim.PatchAsync($"/Users/{alice}", Bodies.Patch("""{ "op": "add", "path": "groups", "value": [{ "value": "x" }] }"""));

        response.AssertError(HttpStatusCode.BadRequest, "mutability");
    }

    [Fact]
    public async Task Deleting_a_user_removes_it_from_its_groups()
    {
        var scim = await hub.NewAppAsync();
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
        var group = (await scim.PostAsync("/Groups", Bodies.Group(Bodies.Unique("Leavers"), Bodies.Member(alice)))).Id;

        await scim.DeleteAsync($"/Users/{alice}");
        var read = await scim.GetAsync($"/Groups/{group}");

        Assert.Empty(read.Body!["members"]!.AsArray());
        Assert.Equal("W/\"2\"", read.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task An_unknown_member_is_400_and_adds_nobody()
    {
        var scim = await hub.NewAppAsync();
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
        var group = await scim.CreateGroupAsync(Bodies.Unique("Strict"));

        var response = await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "add", "path": "members", "value": [{ "value": "{{alice}}" }, { "value": "ghost" }] }"""));
        var read = await scim.GetAsync($"/Groups/{group}");

        response.AssertError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("ghost", response.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(read.Body!["members"]!.AsArray());
    }

    [Fact]
    public async Task One_patch_adds_and_removes_a_thousand_members()
    {
        var scim = await hub.NewAppAsync();
        var group = await scim.CreateGroupAsync(Bodies.Unique("Big"));
        var bulk = new JsonArray();
        for (var i = 0; i < 1000; i++)
        {
            bulk.Add(new JsonObject
            {
                ["method"] = "POST",
                ["bulkId"] = $"u{i}",
                ["path"] = "/Users",
                ["data"] = JsonNode.Parse(Bodies.User(Bodies.Unique($"m{i}"))),
            });
        }

        var created = await scim.PostAsync("/Bulk", new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:BulkRequest"), ["Operations"] = bulk }.ToJsonString());
        var ids = created.Body!["Operations"]!.AsArray().Select(o => o!["location"]!.GetValue<string>().Split('/')[^1]).ToList();
        var members = string.Join(",", ids.Select(Bodies.Member));

        var added = await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "add", "path": "members", "value": [{{members}}] }"""));
        var removed = await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "remove", "path": "members", "value": [{{string.Join(",", ids.Take(600).Select(Bodies.Member))}}] }"""));
        var read = await scim.GetAsync($"/Groups/{group}");

        Assert.Equal(HttpStatusCode.NoContent, added.Status);
        Assert.Equal(HttpStatusCode.NoContent, removed.Status);
        Assert.Equal(400, read.Body!["members"]!.AsArray().Count);
    }

    [Fact]
    public async Task Groups_can_be_filtered_by_member_and_by_displayName()
    {
        var scim = await hub.NewAppAsync();
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
        var name = Bodies.Unique("Filtered");
        await scim.PostAsync("/Groups", Bodies.Group(name, Bodies.Member(alice)));
        await scim.CreateGroupAsync(Bodies.Unique("Other"));

        var byMember = await scim.GetAsync($"/Groups?filter={Uri.EscapeDataString($"members[value eq \"{alice}\"]")}");
        var byName = await scim.GetAsync($"/Groups?filter={Uri.EscapeDataString($"displayName eq \"{name.ToUpperInvariant()}\"")}");

        Assert.Equal(name, Assert.Single(byMember.Items)!["displayName"]!.GetValue<string>());
        Assert.Equal(1, byName.TotalResults);
    }

    [Fact]
    public async Task After_a_member_patch_and_a_rename_the_group_is_found_by_its_new_name_and_externalId_only()
    {
        var scim = await hub.NewAppAsync();
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
        var name = Bodies.Unique("Before");
        var group = await scim.CreateGroupAsync(name);
        var externalId = (await scim.GetAsync($"/Groups/{group}")).Body!["externalId"]!.GetValue<string>();
        var renamed = Bodies.Unique("After");

        await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "Add", "path": "members", "value": [{ "value": "{{alice}}" }] }"""));
        var byNameAfterMembers = await scim.GetAsync($"/Groups?filter={Uri.EscapeDataString($"displayName eq \"{name}\"")}");
        await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "Replace", "path": "displayName", "value": "{{renamed}}" }, { "op": "Replace", "path": "externalId", "value": "{{renamed}}" }"""));

        Assert.Equal(1, byNameAfterMembers.TotalResults);
        Assert.Equal(0, (await scim.GetAsync($"/Groups?filter={Uri.EscapeDataString($"displayName eq \"{name}\"")}")).TotalResults);
        Assert.Equal(0, (await scim.GetAsync($"/Groups?filter={Uri.EscapeDataString($"externalId eq \"{externalId}\"")}")).TotalResults);
        Assert.Equal(1, (await scim.GetAsync($"/Groups?filter={Uri.EscapeDataString($"displayName eq \"{renamed}\"")}")).TotalResults);
        Assert.Equal(1, (await scim.GetAsync($"/Groups?filter={Uri.EscapeDataString($"externalId eq \"{renamed}\"")}")).TotalResults);
    }

    [Fact]
    public async Task Put_replaces_the_members()
    {
        var scim = await hub.NewAppAsync();
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
        var bob = await scim.CreateUserAsync(Bodies.Unique("bob"));
        var name = Bodies.Unique("Replaced");
        var group = (await scim.PostAsync("/Groups", Bodies.Group(name, Bodies.Member(alice)))).Id;

        var replaced = await scim.PutAsync($"/Groups/{group}", Bodies.Group(name, Bodies.Member(bob)));

        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.Equal(bob, Assert.Single(replaced.Body!["members"]!.AsArray())!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Groups_can_hold_groups_but_not_themselves()
    {
        var scim = await hub.NewAppAsync();
        var inner = await scim.CreateGroupAsync(Bodies.Unique("Inner"));
        var outer = await scim.CreateGroupAsync(Bodies.Unique("Outer"));

        var nested = await scim.PatchAsync($"/Groups/{outer}", Bodies.Patch($$"""{ "op": "add", "path": "members", "value": [{ "value": "{{inner}}" }] }"""));
        var self = await scim.PatchAsync($"/Groups/{outer}", Bodies.Patch($$"""{ "op": "add", "path": "members", "value": [{ "value": "{{outer}}" }] }"""));
        var read = await scim.GetAsync($"/Groups/{outer}");

        Assert.Equal(HttpStatusCode.NoContent, nested.Status);
        self.AssertError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal("Group", Assert.Single(read.Body!["members"]!.AsArray())!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task If_None_Match_with_the_current_version_is_304()
    {
        var scim = await hub.NewAppAsync();
        var group = await scim.CreateGroupAsync(Bodies.Unique("Cached"));

        var response = await scim.SendAsync(HttpMethod.Get, $"/Groups/{group}", null, configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", "W/\"1\""));

        Assert.Equal(HttpStatusCode.NotModified, response.Status);
    }

    [Fact]
    public async Task Root_search_sorted_by_a_user_attribute_still_returns_groups()
    {
        var scim = await hub.NewAppAsync();
        await scim.CreateUserAsync(Bodies.Unique("sorted"));
        await scim.CreateGroupAsync(Bodies.Unique("Sorted"));

        var response = await scim.PostAsync("/.search", """{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "sortBy": "userName" }""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, response.TotalResults);
    }

    [Fact]
    public async Task Replacing_the_members_with_the_same_list_changes_nothing()
    {
        var scim = await hub.NewAppAsync();
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
        var name = Bodies.Unique("Stable");
        var group = (await scim.PostAsync("/Groups", Bodies.Group(name, Bodies.Member(alice)))).Id;

        var replaced = await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "replace", "path": "members", "value": [{{Bodies.Member(alice)}}] }"""));
        var read = await scim.GetAsync($"/Groups/{group}");

        Assert.Equal(HttpStatusCode.NoContent, replaced.Status);
        Assert.Equal("W/\"1\"", read.Headers.ETag!.ToString());
        Assert.Single(read.Body!["members"]!.AsArray());
    }
}
