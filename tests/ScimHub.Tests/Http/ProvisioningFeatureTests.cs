using System.Net;
using ScimHub.Provisioning.Apps;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>
/// Provisioning features per app: a switched-off feature refuses exactly its change with a 403 naming it, changes
/// nothing, and is recorded as skipped; "deactivate instead of delete" keeps a deleted user, inactive.
/// </summary>
public sealed class ProvisioningFeatureTests(HubFactory hub)
{
    private static readonly string Deactivate = Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }""");
    private static readonly string Reactivate = Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "True" }""");
    private static readonly string Retitle = Bodies.Patch("""{ "op": "Replace", "path": "title", "value": "Director" }""");

    private async Task SwitchAsync(ScimClient scim, FeatureChanges changes) =>
        Assert.NotNull(await hub.Service<ProvisioningApps>().UpdateAsync(scim.AppId, null, changes, null, TestContext.Current.CancellationToken));

    public static TheoryData<string> UserFeatures => ["createUsers", "updateUsers", "deactivateUsers", "deleteUsers"];

    [Theory]
    [MemberData(nameof(UserFeatures))]
    public async Task Each_user_feature_switched_off_blocks_exactly_its_operation(string feature)
    {
        var scim = await hub.NewAppAsync(Bodies.Unique("Entra"));
        var (updated, deactivated, deleted) = (await scim.CreateUserAsync(Bodies.Unique("u")), await scim.CreateUserAsync(Bodies.Unique("d")), await scim.CreateUserAsync(Bodies.Unique("x")));
        await SwitchAsync(scim, feature switch
        {
            "createUsers" => new FeatureChanges { CreateUsers = false },
            "updateUsers" => new FeatureChanges { UpdateUsers = false },
            "deactivateUsers" => new FeatureChanges { DeactivateUsers = false },
            _ => new FeatureChanges { DeleteUsers = false },
        });

        var statuses = new Dictionary<string, HttpStatusCode>
        {
            ["createUsers"] = (await scim.PostAsync("/Users", Bodies.User(Bodies.Unique("new")))).Status,
            ["updateUsers"] = (await scim.PatchAsync($"/Users/{updated}", Retitle)).Status,
            ["deactivateUsers"] = (await scim.PatchAsync($"/Users/{deactivated}", Deactivate)).Status,
            ["deleteUsers"] = (await scim.DeleteAsync($"/Users/{deleted}")).Status,
        };

        var allowed = new Dictionary<string, HttpStatusCode>
        {
            ["createUsers"] = HttpStatusCode.Created,
            ["updateUsers"] = HttpStatusCode.OK,
            ["deactivateUsers"] = HttpStatusCode.OK,
            ["deleteUsers"] = HttpStatusCode.NoContent,
        };
        foreach (var (operation, status) in statuses)
        {
            Assert.Equal(operation == feature ? HttpStatusCode.Forbidden : allowed[operation], status);
        }
    }

    public static TheoryData<string> GroupFeatures => ["createGroups", "updateGroups", "deleteGroups"];

    [Theory]
    [MemberData(nameof(GroupFeatures))]
    public async Task Each_group_feature_switched_off_blocks_exactly_its_operation(string feature)
    {
        var scim = await hub.NewAppAsync(Bodies.Unique("Entra"));
        var member = await scim.CreateUserAsync(Bodies.Unique("m"));
        var (renamed, filled, deleted) = (await scim.CreateGroupAsync(Bodies.Unique("r")), await scim.CreateGroupAsync(Bodies.Unique("f")), await scim.CreateGroupAsync(Bodies.Unique("x")));
        await SwitchAsync(scim, feature switch
        {
            "createGroups" => new FeatureChanges { CreateGroups = false },
            "updateGroups" => new FeatureChanges { UpdateGroups = false },
            _ => new FeatureChanges { DeleteGroups = false },
        });

        var created = await scim.PostAsync("/Groups", Bodies.Group(Bodies.Unique("new")));
        var rename = await scim.PatchAsync($"/Groups/{renamed}", Bodies.Patch($$"""{ "op": "Replace", "path": "displayName", "value": "{{Bodies.Unique("renamed")}}" }"""));
        var addMember = await scim.PatchAsync($"/Groups/{filled}", Bodies.Patch($$"""{ "op": "Add", "path": "members", "value": [{{Bodies.Member(member)}}] }"""));
        var delete = await scim.DeleteAsync($"/Groups/{deleted}");

        Assert.Equal(feature == "createGroups" ? HttpStatusCode.Forbidden : HttpStatusCode.Created, created.Status);
        Assert.Equal(feature == "updateGroups" ? HttpStatusCode.Forbidden : HttpStatusCode.NoContent, rename.Status);
        Assert.Equal(feature == "updateGroups" ? HttpStatusCode.Forbidden : HttpStatusCode.NoContent, addMember.Status);
        Assert.Equal(feature == "deleteGroups" ? HttpStatusCode.Forbidden : HttpStatusCode.NoContent, delete.Status);
    }

    [Fact]
    public async Task A_refused_delete_is_a_403_naming_the_feature_a_skipped_event_and_the_user_stays()
    {
        var appName = Bodies.Unique("Entra");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var userName = Bodies.Unique("keep");
        var id = await scim.CreateUserAsync(userName);
        await SwitchAsync(scim, new FeatureChanges { DeleteUsers = false });

        var refused = await scim.DeleteAsync($"/Users/{id}");

        refused.AssertError(HttpStatusCode.Forbidden, null);
        var detail = refused.Body!["detail"]!.GetValue<string>();
        Assert.Contains("'deleteUsers'", detail, StringComparison.Ordinal);
        Assert.Contains(appName, detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync($"/Users/{id}")).Status);
        var last = (await admin.EventsOfAppAsync(appName))[^1];
        Assert.Equal("delete", last["operation"]!.GetValue<string>());
        Assert.Equal("skipped", last["outcome"]!.GetValue<string>());
        Assert.Equal(403, last["errorStatus"]!.GetValue<int>());
        Assert.Equal(userName, last["subject"]!.GetValue<string>());
        Assert.Equal(detail, last["errorDetail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_create_records_who_it_was_about_and_creates_nobody()
    {
        var appName = Bodies.Unique("Entra");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        await SwitchAsync(scim, new FeatureChanges { CreateUsers = false });
        var userName = Bodies.Unique("nobody");

        var refused = await scim.PostAsync("/Users", Bodies.User(userName));

        refused.AssertError(HttpStatusCode.Forbidden, null);
        Assert.Equal(0, (await scim.GetAsync($"/Users?filter=userName eq \"{userName}\"")).TotalResults);
        var only = Assert.Single(await admin.EventsOfAppAsync(appName));
        Assert.Equal(("create", "skipped", userName), (only["operation"]!.GetValue<string>(), only["outcome"]!.GetValue<string>(), only["subject"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Reactivating_is_an_update_and_needs_the_update_feature()
    {
        var scim = await hub.NewAppAsync(Bodies.Unique("Entra"));
        var id = await scim.CreateUserAsync(Bodies.Unique("r"));
        await SwitchAsync(scim, new FeatureChanges { UpdateUsers = false });

        var deactivated = await scim.PatchAsync($"/Users/{id}", Deactivate);
        var reactivated = await scim.PatchAsync($"/Users/{id}", Reactivate);

        Assert.Equal(HttpStatusCode.OK, deactivated.Status);
        reactivated.AssertError(HttpStatusCode.Forbidden, null);
        Assert.Contains("'updateUsers'", reactivated.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False((await scim.GetAsync($"/Users/{id}")).Body!["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_change_that_deactivates_and_updates_needs_both_features_and_is_refused_whole()
    {
        var scim = await hub.NewAppAsync(Bodies.Unique("Okta"));
        var id = await scim.CreateUserAsync(Bodies.Unique("both"));
        await SwitchAsync(scim, new FeatureChanges { UpdateUsers = false });

        var patch = await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""
            { "op": "Replace", "path": "active", "value": false }, { "op": "Replace", "path": "title", "value": "Gone" }
            """));

        patch.AssertError(HttpStatusCode.Forbidden, null);
        Assert.Contains("'updateUsers'", patch.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var user = (await scim.GetAsync($"/Users/{id}")).Body!;
        Assert.True(user["active"]!.GetValue<bool>());
        Assert.Null(user["title"]);
    }

    [Fact]
    public async Task A_request_that_changes_nothing_needs_no_feature()
    {
        var scim = await hub.NewAppAsync(Bodies.Unique("Entra"));
        var id = await scim.CreateUserAsync(Bodies.Unique("same"));
        await scim.PatchAsync($"/Users/{id}", Retitle);
        await SwitchAsync(scim, new FeatureChanges { UpdateUsers = false, DeactivateUsers = false });

        // Entra resends what it already sent; refusing it would count as a failure in its provisioning logs.
        var resent = await scim.PatchAsync($"/Users/{id}", Retitle);

        Assert.Equal(HttpStatusCode.OK, resent.Status);
    }

    [Fact]
    public async Task Deactivate_instead_of_delete_keeps_the_user_inactive_with_its_groups()
    {
        var appName = Bodies.Unique("Entra");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var id = await scim.CreateUserAsync(Bodies.Unique("soft"));
        var group = await scim.CreateGroupAsync(Bodies.Unique("g"));
        await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "Add", "path": "members", "value": [{{Bodies.Member(id)}}] }"""));
        await SwitchAsync(scim, new FeatureChanges { UserDeleteAction = UserDeleteAction.Deactivate });

        var first = await scim.DeleteAsync($"/Users/{id}");
        var again = await scim.DeleteAsync($"/Users/{id}");

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.Status, again.Status));
        var user = await scim.GetAsync($"/Users/{id}");
        Assert.Equal(HttpStatusCode.OK, user.Status);
        Assert.False(user.Body!["active"]!.GetValue<bool>());
        Assert.Contains(user.Body["groups"]!.AsArray(), g => g!["value"]!.GetValue<string>() == group);
        var events = (await admin.EventsOfAppAsync(appName)).TakeLast(2).ToList();
        Assert.Equal(["deactivate", "update"], events.Select(e => e["operation"]!.GetValue<string>()));
        Assert.Equal(["success", "skipped"], events.Select(e => e["outcome"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Bulk_operations_of_a_switched_off_feature_get_403_each_and_the_others_run()
    {
        var appName = Bodies.Unique("Entra");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var doomed = await scim.CreateUserAsync(Bodies.Unique("doomed"));
        await SwitchAsync(scim, new FeatureChanges { DeleteUsers = false });
        var userName = Bodies.Unique("bulk");

        var response = await scim.PostAsync("/Bulk", $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
              "Operations": [
                { "method": "DELETE", "path": "/Users/{{doomed}}" },
                { "method": "POST", "path": "/Users", "bulkId": "u1", "data": {{Bodies.User(userName)}} }
              ]
            }
            """);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var operations = response.Body!["Operations"]!.AsArray();
        Assert.Equal("403", operations[0]!["status"]!.ToString());
        Assert.Equal("201", operations[1]!["status"]!.ToString());
        var events = await admin.EventsOfAppAsync(appName);
        Assert.Contains(events, e => e["operation"]!.GetValue<string>() == "delete" && e["outcome"]!.GetValue<string>() == "skipped");
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync($"/Users/{doomed}")).Status);
    }

    [Fact]
    public async Task A_switch_takes_effect_on_the_next_request()
    {
        var scim = await hub.NewAppAsync(Bodies.Unique("Entra"));

        await SwitchAsync(scim, new FeatureChanges { CreateUsers = false });
        var refused = await scim.PostAsync("/Users", Bodies.User(Bodies.Unique("a")));
        await SwitchAsync(scim, new FeatureChanges { CreateUsers = true });
        var accepted = await scim.PostAsync("/Users", Bodies.User(Bodies.Unique("b")));

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Created), (refused.Status, accepted.Status));
    }

    [Fact]
    public void Features_read_back_from_storage_as_they_were_saved()
    {
        var features = AppFeatures.AllOn.With(new FeatureChanges { DeleteUsers = false, UserDeleteAction = UserDeleteAction.Deactivate, CreateGroups = false });

        var json = features.ToJson();

        Assert.Contains("\"userDeleteAction\":\"deactivate\"", json, StringComparison.Ordinal);
        Assert.Equal(features, AppFeatures.FromJson(json));
        Assert.Equal(AppFeatures.AllOn, AppFeatures.FromJson(null));
    }
}
