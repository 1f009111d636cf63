using System.Net;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

public sealed class DirectoryIsolationTests(HubFactory hub)
{
    [Fact]
    public async Task Nothing_of_one_directory_is_visible_or_changeable_through_an_app_of_another()
    {
        var contoso = await hub.NewAppAsync();
        var fabrikam = await hub.NewAppAsync();
        var userName = Bodies.Unique("isolated");
        var userId = await contoso.CreateUserAsync(userName);
        var groupId = await contoso.CreateGroupAsync(Bodies.Unique("Isolated Group"));

        var list = await fabrikam.GetAsync("/Users");
        var filter = await fabrikam.GetAsync($"/Users?filter={Uri.EscapeDataString($"userName eq \"{userName}\"")}");
        var read = await fabrikam.GetAsync($"/Users/{userId}");
        var patch = await fabrikam.PatchAsync($"/Users/{userId}", Bodies.Patch("""{ "op": "replace", "path": "active", "value": false }"""));
        var put = await fabrikam.PutAsync($"/Users/{userId}", Bodies.User(userName));
        var delete = await fabrikam.DeleteAsync($"/Users/{userId}");
        var group = await fabrikam.GetAsync($"/Groups/{groupId}");
        var addForeignMember = await fabrikam.PostAsync("/Groups", Bodies.Group(Bodies.Unique("Thief"), Bodies.Member(userId)));
        var search = await fabrikam.PostAsync("/.search", """{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"] }""");

        Assert.Equal(0, list.TotalResults);
        Assert.Equal(0, filter.TotalResults);
        read.AssertError(HttpStatusCode.NotFound, null);
        patch.AssertError(HttpStatusCode.NotFound, null);
        put.AssertError(HttpStatusCode.NotFound, null);
        delete.AssertError(HttpStatusCode.NotFound, null);
        group.AssertError(HttpStatusCode.NotFound, null);
        addForeignMember.AssertError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal(0, search.TotalResults);
        var stillThere = await contoso.GetAsync($"/Users/{userId}");
        Assert.True(stillThere.Body!["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_same_userName_may_exist_once_in_each_directory()
    {
        var contoso = await hub.NewAppAsync();
        var fabrikam = await hub.NewAppAsync();
        var userName = Bodies.Unique("twice");

        await contoso.CreateUserAsync(userName);
        var second = await fabrikam.PostAsync("/Users", Bodies.User(userName));

        Assert.Equal(HttpStatusCode.Created, second.Status);
    }

    [Fact]
    public async Task Apps_of_one_directory_share_its_users_matched_by_userName()
    {
        var entra = await hub.NewAppAsync("Microsoft Entra ID");
        var okta = await hub.NewAppInAsync(entra.DirectoryId, "Okta");
        var userName = Bodies.Unique("shared");
        var id = await entra.CreateUserAsync(userName);

        var found = await okta.GetAsync($"/Users?filter={Uri.EscapeDataString($"userName eq \"{userName.ToUpperInvariant()}\"")}");
        var duplicate = await okta.PostAsync("/Users", Bodies.User(userName));

        Assert.Equal(id, Assert.Single(found.Items)!["id"]!.GetValue<string>());
        duplicate.AssertError(HttpStatusCode.Conflict, "uniqueness");
    }
}
