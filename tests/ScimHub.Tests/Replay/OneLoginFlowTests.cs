using System.Net;
using System.Net.Http.Headers;
using ScimHub.Tests.Support;
using static ScimHub.Tests.Replay.ReplayAssert;

namespace ScimHub.Tests.Replay;

/// <summary>
/// OneLogin's "SCIM Provisioner with SAML (SCIM v2 Enterprise)" requests. Source: OL-API = developers.onelogin.com
/// "Step 2. Implement RESTful SCIM APIs for Your App" (Example API Flow); OL-TPL = the common SCIM JSON Template, which
/// sends "active": "{$user.active}" as a string (Keepnet Labs OneLogin guide; IDP-BEHAVIOUR 2.2).
/// </summary>
public sealed class OneLoginFlowTests(HubFactory hub)
{
    [Fact]
    public async Task OneLogin_initial_connection_get_by_nonexistent_userName_gets_an_empty_list()
    {
        var scim = await hub.NewAppAsync("OneLogin");

        // OL-API "1. Initial connection": Get User by userName with a value OneLogin knows does not exist.
        var response = await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{Bodies.Unique("onelogin.nonexistent")}@example.com\"")}");

        // "respond with an empty array of users or alternately a 404 Not Found status".
        Assert.Empty(ListResponse(response, totalResults: 0));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("True", true)]
    [InlineData("False", false)]
    public async Task OneLogin_create_with_a_string_boolean_active_stores_a_real_boolean(string sent, bool stored)
    {
        var scim = await hub.NewAppAsync("OneLogin");
        var userName = $"{Bodies.Unique("onelogin.user")}@example.com";

        // OL-API "2. Provisioning request": the userName look-up finds nothing, then Create User from OL-TPL.
        Assert.Empty(ListResponse(await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{userName}\"")}"), totalResults: 0));
        var response = await scim.SendAsync(HttpMethod.Post, "/Users", $$"""
            {
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "department": "Sales"
              },
              "active": "{{sent}}",
              "emails": [
                {
                  "value": "{{userName}}",
                  "type": "work",
                  "primary": true
                }
              ],
              "meta": {
                "resourceType": "User"
              },
              "name": {
                "familyName": "Lastname",
                "givenName": "Firstname",
                "formatted": "Firstname Lastname"
              },
              "userName": "{{userName}}",
              "id": null,
              "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:User"
              ]
            }
            """, configure: request => request.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/json"));

        var user = Scim(response, HttpStatusCode.Created);
        Resource(user, "User", Bodies.UserSchema);
        Assert.Equal(stored, Bool(user["active"], "active"));
        Assert.Equal("Sales", Text(Enterprise(user)?["department"]));
        var id = Text(user["id"])!;

        // OL-API "Get User by ID": the stored value is a JSON boolean, and filters as one.
        Assert.Equal(stored, Bool(Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK)["active"], "active"));
        var filter = Encode($"userName eq \"{userName}\" and active eq {(stored ? "true" : "false")}");
        Assert.Equal(id, Text(Assert.Single(ListResponse(await scim.GetAsync($"/Users?filter={filter}"), totalResults: 1))!["id"]));
    }
}
