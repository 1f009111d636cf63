using System.Net;
using System.Text.Json.Nodes;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

public sealed class BulkTests(HubFactory hub)
{
    [Fact]
    public async Task BulkId_references_connect_a_new_group_to_a_new_user()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("bulk");

        var response = await scim.PostAsync("/Bulk", $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
              "Operations": [
                { "method": "POST", "path": "/Groups", "bulkId": "g1", "data": { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "{{userName}} group", "members": [{ "value": "bulkId:u1" }] } },
                { "method": "POST", "path": "/Users", "bulkId": "u1", "data": {{Bodies.User(userName)}} },
                { "method": "PATCH", "path": "/Users/bulkId:u1", "data": { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{ "op": "replace", "path": "title", "value": "Bulked" }] } }
              ]
            }
            """);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var results = response.Body!["Operations"]!.AsArray();
        Assert.Equal(["201", "201", "200"], results.Select(r => r!["status"]!.GetValue<string>()));
        var userId = results.Single(r => r!["bulkId"]?.GetValue<string>() == "u1")!["location"]!.GetValue<string>().Split('/')[^1];
        var user = await scim.GetAsync($"/Users/{userId}");
        Assert.Equal("Bulked", user.Body!["title"]!.GetValue<string>());
        Assert.Single(user.Body["groups"]!.AsArray());
    }

    [Fact]
    public async Task FailOnErrors_stops_after_that_many_errors()
    {
        var scim = await hub.NewAppAsync();
        var dup = Bodies.Unique("dup");
        await scim.CreateUserAsync(dup);

        var response = await scim.PostAsync("/Bulk", $$"""
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
              "failOnErrors": 1,
              "Operations": [
                { "method": "POST", "path": "/Users", "bulkId": "a", "data": {{Bodies.User(dup)}} },
                { "method": "POST", "path": "/Users", "bulkId": "b", "data": {{Bodies.User(Bodies.Unique("never"))}} }
              ]
            }
            """);

        var result = Assert.Single(response.Body!["Operations"]!.AsArray())!;
        Assert.Equal("409", result["status"]!.GetValue<string>());
        Assert.Equal("uniqueness", result["response"]!["scimType"]!.GetValue<string>());
        Assert.Equal(1, (await scim.GetAsync("/Users")).TotalResults);
    }

    [Fact]
    public async Task More_operations_than_maxOperations_is_413()
    {
        var scim = await hub.NewAppAsync();
        var operations = new JsonArray(Enumerable.Range(0, 1001).Select(i => (JsonNode)new JsonObject { ["method"] = "DELETE", ["path"] = $"/Users/{i}" }).ToArray());

        var response = await scim.PostAsync("/Bulk", new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:BulkRequest"), ["Operations"] = operations }.ToJsonString());

        response.AssertError(HttpStatusCode.RequestEntityTooLarge, null);
    }

    [Fact]
    public async Task Unresolvable_bulkId_and_bad_operations_fail_one_by_one()
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.PostAsync("/Bulk", """
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
              "Operations": [
                { "method": "PATCH", "path": "/Users/bulkId:nowhere", "data": { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{ "op": "remove", "path": "title" }] } },
                { "method": "GET", "path": "/Users" },
                { "method": "DELETE", "path": "/Printers/1" }
              ]
            }
            """);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["409", "400", "400"], response.Body!["Operations"]!.AsArray().Select(r => r!["status"]!.GetValue<string>()));
    }
}
