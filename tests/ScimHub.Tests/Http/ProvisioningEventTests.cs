using System.Net;
using System.Text.Json.Nodes;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>Every inbound change is recorded as exactly the provisioning event(s) it should be, and refused requests as failures.</summary>
public sealed class ProvisioningEventTests(HubFactory hub)
{
    private static string Op(JsonNode e) => e["operation"]!.GetValue<string>();

    private static string Outcome(JsonNode e) => e["outcome"]!.GetValue<string>();

    private static JsonNode? Change(JsonNode e, string attribute) =>
        e["changes"]?.AsArray().FirstOrDefault(c => c!["attribute"]!.GetValue<string>() == attribute);

    [Fact]
    public async Task Each_user_operation_records_exactly_one_event_with_what_changed()
    {
        var appName = Bodies.Unique("Entra");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var userName = Bodies.Unique("alice");

        var created = await scim.PostAsync("/Users", Bodies.User(userName, "\"title\": \"Engineer\""));
        var id = created.Id;
        await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "title", "value": "Manager" }"""));
        await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }"""));
        await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "True" }"""));
        await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "title", "value": "Manager" }"""));
        var deleted = await scim.DeleteAsync($"/Users/{id}");

        var events = await admin.EventsOfAppAsync(appName);
        Assert.Equal(["create", "update", "deactivate", "reactivate", "update", "delete"], events.Select(Op));
        Assert.Equal(["success", "success", "success", "success", "skipped", "success"], events.Select(Outcome));
        Assert.All(events, e =>
        {
            Assert.Equal(scim.AppId, e["appId"]!.GetValue<string>());
            Assert.Equal(appName, e["appName"]!.GetValue<string>());
            Assert.Equal("inbound", e["direction"]!.GetValue<string>());
            Assert.Equal("User", e["resourceType"]!.GetValue<string>());
            Assert.Equal(id, e["resourceId"]!.GetValue<string>());
            Assert.Equal(userName, e["subject"]!.GetValue<string>());
            Assert.Equal($"{userName}@contoso.com", e["email"]!.GetValue<string>());
            Assert.Equal(scim.DirectoryId, e["directoryId"]!.GetValue<string>());
        });
        Assert.Equal("Engineer", Change(events[0], "title")!["new"]!.GetValue<string>());
        Assert.Equal("Given", Change(events[0], "name.givenName")!["new"]!.GetValue<string>());
        Assert.Null(Change(events[0], "title")!["old"]);
        Assert.Equal("Engineer", Change(events[1], "title")!["old"]!.GetValue<string>());
        Assert.Equal("Manager", Change(events[1], "title")!["new"]!.GetValue<string>());
        Assert.Single(events[1]["changes"]!.AsArray());
        Assert.False(Change(events[2], "active")!["new"]!.GetValue<bool>());
        Assert.Contains("Nothing changed", events[4]["errorDetail"]!.GetValue<string>(), StringComparison.Ordinal);
        // Each request has its own correlation id, the one its response carried.
        Assert.Equal(6, events.Select(e => e["correlationId"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(created.Headers.GetValues("X-Correlation-Id").Single(), events[0]["correlationId"]!.GetValue<string>());
        Assert.Equal(deleted.Headers.GetValues("X-Correlation-Id").Single(), events[5]["correlationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_user_is_found_by_an_identifier_longer_than_the_stored_key()
    {
        var scim = await hub.NewAppAsync(Bodies.Unique("Entra"));
        var admin = await AdminClient.CreateAsync(hub);
        var userName = Bodies.Unique(new string('l', 300));
        await scim.CreateUserAsync(userName);

        Assert.Single(await admin.EventsAsync("exact=true&user=" + userName));
        Assert.Single((await admin.GetAsync("/api/reports/provisioning/timeline?user=" + userName)).Body!["events"]!.AsArray());
    }

    [Fact]
    public async Task A_password_is_never_recorded()
    {
        var appName = Bodies.Unique("Okta");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);

        var id = await scim.CreateUserAsync(Bodies.Unique("pw"), "\"password\": \"Sup3r-Secret!\"");
        await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "replace", "path": "password", "value": "An0ther-Secret!" }"""));
        await scim.PutAsync($"/Users/{id}", """{ "userName": "pw2", "password": "Th1rd-Secret!", "emails": [{ "value": ",\"Th1rd" }] }""");

        var export = await admin.GetAsync("/api/reports/provisioning/export?format=json&app=" + Uri.EscapeDataString(appName));
        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.Equal(3, export.Body!.AsArray().Count);
        Assert.DoesNotContain("Secret", export.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("password", export.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Group_operations_record_group_and_member_events_sharing_the_request_correlation_id()
    {
        var appName = Bodies.Unique("Entra");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var aliceName = Bodies.Unique("alice");
        var alice = await scim.CreateUserAsync(aliceName);
        var bob = await scim.CreateUserAsync(Bodies.Unique("bob"));
        var name = Bodies.Unique("Sales");

        var group = (await scim.PostAsync("/Groups", Bodies.Group(name, Bodies.Member(alice)))).Id;
        await scim.PatchAsync($"/Groups/{group}", Bodies.Patch("""{ "op": "Replace", "path": "displayName", "value": "Renamed" }"""));
        await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "Add", "path": "members", "value": [{ "value": "{{bob}}" }] }"""));
        await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "Add", "path": "members", "value": [{ "value": "{{bob}}" }] }"""));
        await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "Remove", "path": "members[value eq \"{{alice}}\"]" }"""));
        await scim.DeleteAsync($"/Groups/{group}");

        var events = (await admin.EventsOfAppAsync(appName)).Where(e => e["resourceType"]!.GetValue<string>() == "Group").ToList();
        Assert.Equal(["create", "member-add", "rename", "member-add", "member-add", "member-remove", "delete"], events.Select(Op));
        Assert.Equal(["success", "success", "success", "success", "skipped", "success", "success"], events.Select(Outcome));
        Assert.Equal(events[0]["correlationId"]!.GetValue<string>(), events[1]["correlationId"]!.GetValue<string>());
        Assert.Equal(aliceName, Change(events[1], "members")!["new"]![0]!["display"]!.GetValue<string>());
        Assert.Equal(alice, Change(events[1], "members")!["new"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(name, Change(events[2], "displayName")!["old"]!.GetValue<string>());
        Assert.Equal("Renamed", Change(events[2], "displayName")!["new"]!.GetValue<string>());
        Assert.Equal(bob, Change(events[3], "members")!["new"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(alice, Change(events[5], "members")!["old"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(aliceName, Change(events[5], "members")!["old"]![0]!["display"]!.GetValue<string>());
        Assert.Equal("Renamed", events[6]["subject"]!.GetValue<string>());

        // A member event is found by searching for the member.
        var aliceEvents = await admin.EventsAsync("exact=true&user=" + Uri.EscapeDataString(aliceName));
        Assert.Contains(aliceEvents, e => e!["operation"]!.GetValue<string>() == "member-remove");
    }

    [Fact]
    public async Task A_put_replacing_members_records_who_was_added_and_who_was_removed()
    {
        var appName = Bodies.Unique("Okta");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
        var bob = await scim.CreateUserAsync(Bodies.Unique("bob"));
        var name = Bodies.Unique("Team");
        var group = (await scim.PostAsync("/Groups", Bodies.Group(name, Bodies.Member(alice)))).Id;

        // Bodies.Group sends a new externalId each time: the group's own attributes change too.
        var put = await scim.PutAsync($"/Groups/{group}", Bodies.Group(name, Bodies.Member(bob)));

        Assert.Equal(HttpStatusCode.OK, put.Status);
        var last = (await admin.EventsOfAppAsync(appName)).Where(e => e["correlationId"]!.GetValue<string>() == put.Headers.GetValues("X-Correlation-Id").Single()).ToList();
        Assert.Equal(["update", "member-add", "member-remove"], last.Select(Op));
        Assert.Equal(bob, Change(last[1], "members")!["new"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(alice, Change(last[2], "members")!["old"]![0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_create_is_a_failure_event_naming_the_user_and_changes_nothing()
    {
        var appName = Bodies.Unique("Entra");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var userName = Bodies.Unique("dup");
        await scim.CreateUserAsync(userName);

        var refused = await scim.PostAsync("/Users", Bodies.User(userName.ToUpperInvariant()));

        refused.AssertError(HttpStatusCode.Conflict, "uniqueness");
        Assert.Equal(1, (await scim.GetAsync("/Users")).TotalResults);
        var failure = (await admin.EventsOfAppAsync(appName)).Last();
        Assert.Equal(("create", "failure"), (Op(failure), Outcome(failure)));
        Assert.Equal(409, failure["errorStatus"]!.GetValue<int>());
        Assert.Equal("uniqueness", failure["errorScimType"]!.GetValue<string>());
        Assert.Contains("already exists", failure["errorDetail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(userName.ToUpperInvariant(), failure["subject"]!.GetValue<string>());
        Assert.Null(failure["resourceId"]);
        Assert.Equal(refused.Headers.GetValues("X-Correlation-Id").Single(), failure["correlationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refused_updates_and_deletes_are_failure_events_found_by_the_users_name()
    {
        var appName = Bodies.Unique("Entra");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var userName = Bodies.Unique("bad");
        var id = await scim.CreateUserAsync(userName);

        (await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "noSuchAttribute", "value": "x" }"""))).AssertError(HttpStatusCode.BadRequest, "invalidPath");
        (await scim.PatchAsync($"/Users/{id}", "{ not json")).AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
        (await scim.SendAsync(HttpMethod.Delete, $"/Users/{id}", null, configure: r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"999\""))).AssertError(HttpStatusCode.PreconditionFailed, null);
        (await scim.DeleteAsync("/Users/no-such-id")).AssertError(HttpStatusCode.NotFound, null);
        (await scim.PatchAsync($"/Groups/{Guid.NewGuid()}", Bodies.Patch("""{ "op": "Replace", "path": "displayName", "value": "x" }"""))).AssertError(HttpStatusCode.NotFound, null);

        var events = await admin.EventsOfAppAsync(appName);
        Assert.Equal(["create", "update", "update", "delete", "delete", "update"], events.Select(Op));
        Assert.Equal(["success", "failure", "failure", "failure", "failure", "failure"], events.Select(Outcome));
        Assert.Equal([400, 400, 412, 404, 404], events.Skip(1).Select(e => e["errorStatus"]!.GetValue<int>()));
        Assert.Equal("no-such-id", events[4]["resourceId"]!.GetValue<string>());
        Assert.Equal("Group", events[5]["resourceType"]!.GetValue<string>());
        var byName = await admin.EventsAsync("outcome=failure&exact=true&user=" + Uri.EscapeDataString(userName));
        Assert.Equal(3, byName.Count);
        Assert.True((await scim.GetAsync($"/Users/{id}")).Status == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bulk_operations_record_their_events_and_failures_under_the_bulk_requests_correlation_id()
    {
        var appName = Bodies.Unique("Bulk");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var userName = Bodies.Unique("bulk");
        var body = $$"""
            { "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": [
              { "method": "POST", "path": "/Users", "bulkId": "u1", "data": {{Bodies.User(userName)}} },
              { "method": "POST", "path": "/Users", "bulkId": "u2", "data": {{Bodies.User(userName)}} },
              { "method": "PATCH", "path": "/Users/bulkId:u1", "data": {{Bodies.Patch("""{ "op": "replace", "path": "active", "value": false }""")}} },
              { "method": "PATCH", "path": "/Users/bulkId:u1", "data": {{Bodies.Patch("""{ "op": "replace", "path": "nope", "value": 1 }""")}} },
              { "method": "DELETE", "path": "/Users/bulkId:never" }
            ] }
            """;

        var response = await scim.PostAsync("/Bulk", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var events = await admin.EventsOfAppAsync(appName);
        Assert.Equal(
            [("create", "success"), ("create", "failure"), ("deactivate", "success"), ("update", "failure"), ("delete", "failure")],
            events.Select(e => (Op(e), Outcome(e))));
        Assert.Single(events.Select(e => e["correlationId"]!.GetValue<string>()).Distinct());
        Assert.Equal(409, events[1]["errorStatus"]!.GetValue<int>());
        // A failed operation on a resource created earlier in the request names it by its id, and by its userName.
        Assert.Equal(events[0]["resourceId"]!.GetValue<string>(), events[3]["resourceId"]!.GetValue<string>());
        Assert.Equal(userName, events[3]["subject"]!.GetValue<string>());
        Assert.Equal(409, events[4]["errorStatus"]!.GetValue<int>());
    }
}
