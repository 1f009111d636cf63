using System.Net;
using System.Text.Json.Nodes;
using ScimHub.Tests.Support;
using static ScimHub.Tests.Replay.ReplayAssert;

namespace ScimHub.Tests.Replay;

/// <summary>
/// Microsoft Entra ID's documented request sequence, replayed as Entra sends it (default job, no aadOptscim062020).
/// Sources: MS-TUT = learn.microsoft.com "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft
/// Entra ID" (entra-docs use-scim-to-provision-users-and-groups.md), section "SCIM protocol requests and responses";
/// MS-KI = "Known issues and resolutions with SCIM 2.0 protocol compliance"; MS-REQ = the same tutorial's requirement
/// table and "General" guidelines. The documentation's samples carry trailing commas; they are replayed here as valid JSON.
/// </summary>
public sealed class EntraDocumentedFlowTests(HubFactory hub)
{
    private const string Manager = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";

    [Fact]
    public async Task Entra_test_connection_probe_gets_an_empty_list_response()
    {
        var scim = await hub.NewAppAsync();

        // MS-TUT "Integrate your SCIM endpoint", Test Connection note: a user that doesn't exist, a random GUID as the
        // matching property, form-encoded as Entra sends it.
        var response = await scim.GetAsync($"/Users?filter=userName+eq+%22{Guid.NewGuid()}%22");

        // "The expected correct response is HTTP 200 OK with an empty SCIM ListResponse message."
        var resources = ListResponse(response, totalResults: 0);
        Assert.Empty(resources);
    }

    [Fact]
    public async Task Entra_probe_with_the_aadOptscim062020_flag_in_the_query_ignores_the_unknown_flag()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Test_User");
        var id = await CreateDocumentedUserAsync(scim, userName);

        // MS-KI "Flags to alter the SCIM behavior": the flag travels in the Tenant URL's query string.
        var missing = await scim.GetAsync($"/Users?aadOptscim062020&filter={Encode($"userName eq \"{Guid.NewGuid()}\"")}");
        var found = await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{userName}\"")}&aadOptscim062020");

        Assert.Empty(ListResponse(missing, totalResults: 0));
        Assert.Equal(id, Text(ListResponse(found, totalResults: 1).Single()!["id"]));
    }

    [Fact]
    public async Task Entra_create_user_returns_201_with_the_stored_resource()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Test_User");
        var externalId = Guid.NewGuid().ToString();

        // MS-TUT "Create User" request.
        var response = await scim.PostAsync("/Users", $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                "externalId": "{{externalId}}",
                "userName": "{{userName}}",
                "active": true,
                "emails": [{
                    "primary": true,
                    "type": "work",
                    "value": "{{userName}}@testuser.com"
                }],
                "meta": {
                    "resourceType": "User"
                },
                "name": {
                    "formatted": "givenName familyName",
                    "familyName": "familyName",
                    "givenName": "givenName"
                },
                "roles": []
            }
            """);

        // MS-TUT "Create User" response: 201 with id, externalId, meta, userName, name, active, emails.
        var user = Scim(response, HttpStatusCode.Created);
        Resource(user, "User", Bodies.UserSchema);
        Assert.Equal(externalId, Text(user["externalId"]));
        Assert.Equal(userName, Text(user["userName"]));
        Assert.True(Bool(user["active"], "active"));
        Assert.Equal("givenName familyName", Text(user["name"]!["formatted"]));
        Assert.Equal("familyName", Text(user["name"]!["familyName"]));
        Assert.Equal("givenName", Text(user["name"]!["givenName"]));
        var email = Assert.Single(Assert.IsType<JsonArray>(user["emails"]));
        Assert.Equal($"{userName}@testuser.com", Text(email!["value"]));
        Assert.Equal("work", Text(email["type"]));
        Assert.True(Bool(email["primary"], "emails[0].primary"));
        // The empty roles list must not come back as null (a list is [] or absent).
        Assert.True(user["roles"] is null or JsonArray { Count: 0 }, $"roles: {user["roles"]?.ToJsonString()}");
        Assert.False(user.ContainsKey("password"));
        // RFC 7644 §3.3: the URI of the created resource is in Location.
        Assert.Equal(Text(user["meta"]!["location"]), response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Entra_get_user_by_id_returns_the_user_as_created()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Test_User");
        var id = await CreateDocumentedUserAsync(scim, userName);

        // MS-TUT "Get User" request.
        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);

        // MS-TUT "Get User" response (User found).
        Resource(user, "User", Bodies.UserSchema);
        Assert.Equal(id, Text(user["id"]));
        Assert.Equal(userName, Text(user["userName"]));
        Assert.True(Bool(user["active"], "active"));
        Assert.Equal("familyName", Text(user["name"]!["familyName"]));
        Assert.Equal($"{userName}@testuser.com", Email(user, "work"));
        Assert.False(string.IsNullOrEmpty(Text(user["externalId"])));
    }

    [Fact]
    public async Task Entra_get_user_by_userName_query_returns_a_list_response_with_the_one_user()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Test_User");
        var id = await CreateDocumentedUserAsync(scim, userName);

        // MS-TUT "Get User by query" request.
        var response = await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{userName}\"")}");

        // MS-TUT "Get User by query" response: a ListResponse with the user, its id, externalId and meta.
        var user = Assert.IsType<JsonObject>(Assert.Single(ListResponse(response, totalResults: 1)));
        Resource(user, "User", Bodies.UserSchema);
        Assert.Equal(id, Text(user["id"]));
        Assert.Equal(userName, Text(user["userName"]));
        Assert.True(Bool(user["active"], "active"));
        Assert.Equal($"{userName}@testuser.com", Email(user, "work"));
    }

    [Fact]
    public async Task Entra_match_by_externalId_finds_the_user()
    {
        var scim = await hub.NewAppAsync();
        var externalId = Guid.NewGuid().ToString();
        var id = await CreateDocumentedUserAsync(scim, Bodies.Unique("Test_User"), externalId);
        await CreateDocumentedUserAsync(scim, Bodies.Unique("Other_User"));

        // MS-REQ "Query users or groups": "users are ... queried with their username and externalId".
        var response = await scim.GetAsync($"/Users?filter={Encode($"externalId eq \"{externalId}\"")}");

        var user = Assert.Single(ListResponse(response, totalResults: 1));
        Assert.Equal(id, Text(user!["id"]));
        Assert.Equal(externalId, Text(user["externalId"]));
    }

    [Fact]
    public async Task Entra_match_by_work_email_value_path_finds_the_user()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Test_User");
        var id = await CreateDocumentedUserAsync(scim, userName);
        await CreateDocumentedUserAsync(scim, Bodies.Unique("Other_User"));

        // MS-REQ "/Users": "a GET to /Users with a filter must allow for ... emails[type eq "work"].value eq "user@contoso.com"".
        var response = await scim.GetAsync($"/Users?filter={Encode($"emails[type eq \"work\"].value eq \"{userName}@testuser.com\"")}");

        var user = Assert.Single(ListResponse(response, totalResults: 1));
        Assert.Equal(id, Text(user!["id"]));
    }

    [Fact]
    public async Task Entra_get_user_by_query_with_zero_results_is_an_empty_list_response()
    {
        var scim = await hub.NewAppAsync();
        await CreateDocumentedUserAsync(scim, Bodies.Unique("Test_User"));

        // MS-TUT "Get User by query - Zero results" request.
        var response = await scim.GetAsync($"/Users?filter={Encode("userName eq \"non-existent user\"")}");

        // MS-TUT "Get User by query - Zero results" response.
        Assert.Empty(ListResponse(response, totalResults: 0));
    }

    [Fact]
    public async Task Entra_update_user_multi_valued_properties_replaces_the_work_email_and_family_name()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Test_User");
        var id = await CreateDocumentedUserAsync(scim, userName);
        var updatedEmail = $"updated_{userName}@microsoft.com";

        // MS-TUT "Update User [Multi-valued properties]" request.
        var response = await scim.PatchAsync($"/Users/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [
                        {
                        "op": "Replace",
                        "path": "emails[type eq \"work\"].value",
                        "value": "{{updatedEmail}}"
                        },
                        {
                        "op": "Replace",
                        "path": "name.familyName",
                        "value": "updatedFamilyName"
                        }
                ]
            }
            """);

        // MS-TUT "Update User [Multi-valued properties]" response: 200 with the user.
        var patched = Scim(response, HttpStatusCode.OK);
        Assert.Equal(updatedEmail, Email(patched, "work"));
        Assert.Equal("updatedFamilyName", Text(patched["name"]!["familyName"]));

        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        var email = Assert.Single(Assert.IsType<JsonArray>(user["emails"]));
        Assert.Equal(updatedEmail, Text(email!["value"]));
        Assert.Equal("work", Text(email["type"]));
        Assert.True(Bool(email["primary"], "emails[0].primary"));
        Assert.Equal("updatedFamilyName", Text(user["name"]!["familyName"]));
        Assert.Equal("givenName", Text(user["name"]!["givenName"]));
        Assert.Equal(userName, Text(user["userName"]));
    }

    [Fact]
    public async Task Entra_update_user_single_valued_property_renames_the_userName()
    {
        var scim = await hub.NewAppAsync();
        var oldName = Bodies.Unique("Test_User");
        var id = await CreateDocumentedUserAsync(scim, oldName);
        var newName = $"{Guid.NewGuid()}@testuser.com";

        // MS-TUT "Update User [Single-valued properties]" request.
        var response = await scim.PatchAsync($"/Users/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "Replace",
                    "path": "userName",
                    "value": "{{newName}}"
                }]
            }
            """);

        // MS-TUT "Update User [Single-valued properties]" response: 200 with the new userName.
        var patched = Scim(response, HttpStatusCode.OK);
        Assert.Equal(id, Text(patched["id"]));
        Assert.Equal(newName, Text(patched["userName"]));
        Assert.Equal($"{oldName}@testuser.com", Email(patched, "work"));

        var byNewName = await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{newName}\"")}");
        Assert.Equal(id, Text(Assert.Single(ListResponse(byNewName, totalResults: 1))!["id"]));
        Assert.Empty(ListResponse(await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{oldName}\"")}"), totalResults: 0));
    }

    [Fact]
    public async Task Entra_disable_user_with_the_string_False_leaves_the_user_readable_and_filterable_as_inactive()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Test_User");
        var id = await CreateDocumentedUserAsync(scim, userName);

        // MS-KI "Requests made to disable users", without feature flag (Entra's default job).
        var response = await scim.PatchAsync($"/Users/{id}", """
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "Replace",
                        "path": "active",
                        "value": "False"
                    }
                ]
            }
            """);

        // MS-TUT "Disable User" response: 200 with "active": false, a real boolean.
        Assert.False(Bool(Scim(response, HttpStatusCode.OK)["active"], "active"));

        // MS-REQ: "The user object should be returned in a request whether or not the user is active."
        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        Assert.False(Bool(user["active"], "active"));
        var matched = Assert.Single(ListResponse(await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{userName}\"")}"), totalResults: 1));
        Assert.Equal(id, Text(matched!["id"]));
        Assert.False(Bool(matched["active"], "active"));
        var inactive = await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{userName}\" and active eq false")}");
        Assert.Equal(id, Text(Assert.Single(ListResponse(inactive, totalResults: 1))!["id"]));
    }

    [Fact]
    public async Task Entra_disable_user_sample_with_a_boolean_value_sets_active_false()
    {
        var scim = await hub.NewAppAsync();
        var id = await CreateDocumentedUserAsync(scim, Bodies.Unique("Test_User"));

        // MS-TUT "Disable User" request (Operations before schemas, capitalised op, boolean value).
        var response = await scim.PatchAsync($"/Users/{id}", """
            {
                "Operations": [
                    {
                        "op": "Replace",
                        "path": "active",
                        "value": false
                    }
                ],
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ]
            }
            """);

        // MS-TUT "Disable User" response.
        var patched = Scim(response, HttpStatusCode.OK);
        Assert.Equal(id, Text(patched["id"]));
        Assert.False(Bool(patched["active"], "active"));
        Assert.False(Bool(Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK)["active"], "active"));
    }

    [Fact]
    public async Task Entra_restore_user_with_the_string_True_re_enables_it()
    {
        var scim = await hub.NewAppAsync();
        var id = await CreateDocumentedUserAsync(scim, Bodies.Unique("Test_User"));
        // MS-KI "Requests made to disable users", without feature flag.
        Scim(await scim.PatchAsync($"/Users/{id}", """
            { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{ "op": "Replace", "path": "active", "value": "False" }] }
            """), HttpStatusCode.OK);

        // MS-REQ "Soft-deleting a user active=false and restoring the user active=true": the same op with "True".
        var response = await scim.PatchAsync($"/Users/{id}", """
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "Replace",
                        "path": "active",
                        "value": "True"
                    }
                ]
            }
            """);

        Assert.True(Bool(Scim(response, HttpStatusCode.OK)["active"], "active"));
        Assert.True(Bool(Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK)["active"], "active"));
    }

    [Fact]
    public async Task Entra_add_of_an_enterprise_department_mixed_with_replace_ops_applies_all_of_them()
    {
        var scim = await hub.NewAppAsync();
        var id = await CreateDocumentedUserAsync(scim, Bodies.Unique("Test_User"));

        // MS-TUT user attribute table (department = urn:...:enterprise:2.0:User:department); an Add of a previously
        // empty attribute arrives together with Replace ops in one request (IDP-BEHAVIOUR 1.2 row 7).
        var response = await scim.PatchAsync($"/Users/{id}", """
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [
                    {
                        "op": "Add",
                        "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                        "value": "Retail"
                    },
                    {
                        "op": "Replace",
                        "path": "title",
                        "value": "Store Manager"
                    },
                    {
                        "op": "Replace",
                        "path": "name.givenName",
                        "value": "Updated"
                    }
                ]
            }
            """);

        Scim(response, HttpStatusCode.OK);
        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        Assert.Equal("Retail", Text(Enterprise(user)?["department"]));
        Assert.Contains(Bodies.EnterpriseSchema, Schemas(user));
        Assert.Equal("Store Manager", Text(user["title"]));
        Assert.Equal("Updated", Text(user["name"]!["givenName"]));
        Assert.Equal("familyName", Text(user["name"]!["familyName"]));
    }

    [Fact]
    public async Task Entra_manager_is_set_with_Add_changed_with_Replace_and_removed_with_an_empty_Replace()
    {
        var scim = await hub.NewAppAsync();
        var id = await CreateDocumentedUserAsync(scim, Bodies.Unique("Test_User"));
        var firstManager = await CreateDocumentedUserAsync(scim, Bodies.Unique("Manager_One"));
        var secondManager = await CreateDocumentedUserAsync(scim, Bodies.Unique("Manager_Two"));

        // MS-TUT user attribute table: manager = urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager;
        // set = Add (REF-VAL25 test 25, "manager set/change/remove").
        var set = await scim.PatchAsync($"/Users/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "Add",
                    "path": "{{Manager}}",
                    "value": "{{firstManager}}"
                }]
            }
            """);
        Scim(set, HttpStatusCode.OK);
        // GET must return the manager as a single complex object inside the extension (MicrosoftDocs/azure-docs#11784).
        Assert.Equal(firstManager, ManagerOf(Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK)));

        // Change = Replace.
        var change = await scim.PatchAsync($"/Users/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "Replace",
                    "path": "{{Manager}}",
                    "value": "{{secondManager}}"
                }]
            }
            """);
        Scim(change, HttpStatusCode.OK);
        Assert.Equal(secondManager, ManagerOf(Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK)));

        // Remove = Replace with an empty value.
        var remove = await scim.PatchAsync($"/Users/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "Replace",
                    "path": "{{Manager}}",
                    "value": ""
                }]
            }
            """);
        Scim(remove, HttpStatusCode.OK);
        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        Assert.Null(Enterprise(user)?["manager"]);
    }

    [Fact]
    public async Task Entra_legacy_manager_shape_a_list_of_one_reference_is_stored_as_a_single_complex_manager()
    {
        var scim = await hub.NewAppAsync();
        var id = await CreateDocumentedUserAsync(scim, Bodies.Unique("Test_User"));
        var manager = await CreateDocumentedUserAsync(scim, Bodies.Unique("Manager"));

        // MS-TUT "Example 5. Request from Microsoft Entra ID to an SCIM endpoint to update a user": the value is a list of
        // one {"$ref", "value"}. The example's short path "manager" is not resolvable by ScimHub (manager lives only in
        // the enterprise extension), so the URN path Entra's attribute table maps manager to is used.
        var response = await scim.PatchAsync($"/Users/{id}", $$"""
            {
                "schemas":
                [
                  "urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations":
                [
                  {
                    "op":"Add",
                    "path":"{{Manager}}",
                    "value":
                      [
                        {
                          "$ref":null,
                          "value":"{{manager}}"}]}]}
            """);

        Scim(response, HttpStatusCode.OK);
        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        Assert.Equal(manager, ManagerOf(user));
        Assert.False(Enterprise(user)!["manager"]!.AsObject().ContainsKey("$ref"), "A null $ref is no value and is not stored.");
    }

    [Fact]
    public async Task Entra_add_of_the_work_email_value_on_a_user_without_a_work_email_creates_it()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Test_User");
        // MS-TUT "Create User" request shape, for a source user that has no mail.
        var created = await scim.PostAsync("/Users", $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                "externalId": "{{Guid.NewGuid()}}",
                "userName": "{{userName}}",
                "active": true,
                "meta": {
                    "resourceType": "User"
                },
                "name": {
                    "formatted": "givenName familyName",
                    "familyName": "familyName",
                    "givenName": "givenName"
                },
                "roles": []
            }
            """);
        var id = Text(Scim(created, HttpStatusCode.Created)["id"])!;

        // MS-KI "Requests made to add a single-value string attribute", without flag, on the mapped mail attribute
        // emails[type eq "work"].value (MS-TUT user attribute table); validator "Patch User - Add Attributes".
        var response = await scim.PatchAsync($"/Users/{id}", $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "Add",
                        "path": "emails[type eq \"work\"].value",
                        "value": "{{userName}}@testuser.com"
                    }
                ]
            }
            """);

        Scim(response, HttpStatusCode.OK);
        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        var email = Assert.Single(Assert.IsType<JsonArray>(user["emails"]));
        Assert.Equal("work", Text(email!["type"]));
        Assert.Equal($"{userName}@testuser.com", Text(email["value"]));
        var matched = await scim.GetAsync($"/Users?filter={Encode($"emails[type eq \"work\"].value eq \"{userName}@testuser.com\"")}");
        Assert.Equal(id, Text(Assert.Single(ListResponse(matched, totalResults: 1))!["id"]));
    }

    [Fact]
    public async Task Entra_delete_user_answers_204_and_the_user_is_then_a_404()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Test_User");
        var id = await CreateDocumentedUserAsync(scim, userName);

        // MS-TUT "Delete User" request and response.
        NoContent(await scim.DeleteAsync($"/Users/{id}"));

        // MS-TUT "Get User" response (User not found): 404 with the error schema and status "404".
        (await scim.GetAsync($"/Users/{id}")).AssertError(HttpStatusCode.NotFound, null);
        Assert.Empty(ListResponse(await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{userName}\"")}"), totalResults: 0));
    }

    [Fact]
    public async Task Entra_create_group_without_members_returns_201_with_an_empty_members_list()
    {
        var scim = await hub.NewAppAsync();
        var displayName = Bodies.Unique("displayName");
        var externalId = Guid.NewGuid().ToString();

        // MS-TUT "Create Group" request: both schemas, externalId, displayName, meta; "Groups are created with an empty
        // members list" (no members key at all).
        var response = await scim.PostAsync("/Groups", $$"""
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
                "externalId": "{{externalId}}",
                "displayName": "{{displayName}}",
                "meta": {
                    "resourceType": "Group"
                }
            }
            """);

        // MS-TUT "Create Group" response.
        var group = Scim(response, HttpStatusCode.Created);
        Resource(group, "Group", Bodies.GroupSchema);
        Assert.Equal(externalId, Text(group["externalId"]));
        Assert.Equal(displayName, Text(group["displayName"]));
        Assert.Empty(Assert.IsType<JsonArray>(group["members"]));
    }

    [Fact]
    public async Task Entra_get_group_excluding_members_has_no_members_key()
    {
        var scim = await hub.NewAppAsync();
        var displayName = Bodies.Unique("displayName");
        var id = await CreateDocumentedGroupAsync(scim, displayName);
        var member = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member"));
        NoContent(await scim.PatchAsync($"/Groups/{id}", AddMembers(member)));

        // MS-TUT "Get Group" request.
        var response = await scim.GetAsync($"/Groups/{id}?excludedAttributes=members");

        // MS-TUT "Get Group" response: no members.
        var group = Scim(response, HttpStatusCode.OK);
        Resource(group, "Group", Bodies.GroupSchema);
        Assert.Equal(id, Text(group["id"]));
        Assert.Equal(displayName, Text(group["displayName"]));
        Assert.False(group.ContainsKey("members"), group.ToJsonString());
    }

    [Fact]
    public async Task Entra_get_group_by_displayName_excluding_members_returns_the_one_group_without_members()
    {
        var scim = await hub.NewAppAsync();
        var displayName = Bodies.Unique("displayName");
        var id = await CreateDocumentedGroupAsync(scim, displayName);
        await CreateDocumentedGroupAsync(scim, Bodies.Unique("other"));
        var member = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member"));
        NoContent(await scim.PatchAsync($"/Groups/{id}", AddMembers(member)));

        // MS-TUT "Get Group by displayName" request.
        var response = await scim.GetAsync($"/Groups?excludedAttributes=members&filter={Encode($"displayName eq \"{displayName}\"")}");

        // MS-TUT "Get Group by displayName" response.
        var group = Assert.IsType<JsonObject>(Assert.Single(ListResponse(response, totalResults: 1)));
        Resource(group, "Group", Bodies.GroupSchema);
        Assert.Equal(id, Text(group["id"]));
        Assert.Equal(displayName, Text(group["displayName"]));
        Assert.False(group.ContainsKey("members"), group.ToJsonString());
    }

    [Fact]
    public async Task Entra_update_group_non_member_attributes_renames_it_with_204_and_no_body()
    {
        var scim = await hub.NewAppAsync();
        var id = await CreateDocumentedGroupAsync(scim, Bodies.Unique("displayName"));
        var newName = $"{Guid.NewGuid()}updatedDisplayName";

        // MS-TUT "Update Group [Non-member attributes]" request.
        var response = await scim.PatchAsync($"/Groups/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "Replace",
                    "path": "displayName",
                    "value": "{{newName}}"
                }]
            }
            """);

        // MS-TUT "Update Group [Non-member attributes]" response: 204 No Content.
        NoContent(response);
        var group = Scim(await scim.GetAsync($"/Groups/{id}?excludedAttributes=members"), HttpStatusCode.OK);
        Assert.Equal(newName, Text(group["displayName"]));
        var matched = await scim.GetAsync($"/Groups?excludedAttributes=members&filter={Encode($"displayName eq \"{newName}\"")}");
        Assert.Equal(id, Text(Assert.Single(ListResponse(matched, totalResults: 1))!["id"]));
    }

    [Fact]
    public async Task Entra_update_group_add_members_adds_several_members_in_one_operation_with_204()
    {
        var scim = await hub.NewAppAsync();
        var id = await CreateDocumentedGroupAsync(scim, Bodies.Unique("displayName"));
        var a = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_A"));
        var b = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_B"));
        var c = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_C"));

        // MS-TUT "Update Group [Add Members]" request, with several members in the one op (gallery checklist: "Support
        // updating multiple group memberships with a single PATCH").
        var response = await scim.PatchAsync($"/Groups/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "Add",
                    "path": "members",
                    "value": [{
                        "$ref": null,
                        "value": "{{a}}"
                    }, {
                        "$ref": null,
                        "value": "{{b}}"
                    }, {
                        "$ref": null,
                        "value": "{{c}}"
                    }]
                }]
            }
            """);

        // MS-TUT "Update Group [Add Members]" response: 204 No Content.
        NoContent(response);
        var group = Scim(await scim.GetAsync($"/Groups/{id}"), HttpStatusCode.OK);
        Assert.Equal(Sorted(a, b, c), MemberIds(group));
        var user = Scim(await scim.GetAsync($"/Users/{a}"), HttpStatusCode.OK);
        Assert.Contains(id, Assert.IsType<JsonArray>(user["groups"]).Select(g => Text(g!["value"])));
    }

    [Fact]
    public async Task Entra_update_group_remove_members_default_style_removes_only_the_listed_member()
    {
        var scim = await hub.NewAppAsync();
        var id = await CreateDocumentedGroupAsync(scim, Bodies.Unique("displayName"));
        var a = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_A"));
        var b = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_B"));
        var c = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_C"));
        NoContent(await scim.PatchAsync($"/Groups/{id}", AddMembers(a, b, c)));

        // MS-KI "Requests made to remove a group member", without feature flag: path "members" and a value list. An
        // RFC-literal server would empty the whole group.
        var response = await scim.PatchAsync($"/Groups/{id}", $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "Remove",
                        "path": "members",
                        "value": [
                            {
                                "value": "{{b}}"
                            }
                        ]
                    }
                ]
            }
            """);

        // MS-TUT "Update Group [Remove Members]" response: 204 No Content.
        NoContent(response);
        var group = Scim(await scim.GetAsync($"/Groups/{id}"), HttpStatusCode.OK);
        Assert.Equal(Sorted(a, c), MemberIds(group));
    }

    [Fact]
    public async Task Entra_update_group_remove_members_tutorial_sample_with_a_null_ref_removes_only_that_member()
    {
        var scim = await hub.NewAppAsync();
        var id = await CreateDocumentedGroupAsync(scim, Bodies.Unique("displayName"));
        var a = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_A"));
        var b = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_B"));
        NoContent(await scim.PatchAsync($"/Groups/{id}", AddMembers(a, b)));

        // MS-TUT "Update Group [Remove Members]" request.
        var response = await scim.PatchAsync($"/Groups/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "Remove",
                    "path": "members",
                    "value": [{
                        "$ref": null,
                        "value": "{{a}}"
                    }]
                }]
            }
            """);

        // MS-TUT "Update Group [Remove Members]" response.
        NoContent(response);
        Assert.Equal([b], MemberIds(Scim(await scim.GetAsync($"/Groups/{id}"), HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Entra_re_adding_an_existing_member_is_a_no_op()
    {
        var scim = await hub.NewAppAsync();
        var id = await CreateDocumentedGroupAsync(scim, Bodies.Unique("displayName"));
        var a = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_A"));
        var b = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_B"));
        NoContent(await scim.PatchAsync($"/Groups/{id}", AddMembers(a, b)));
        var before = Scim(await scim.GetAsync($"/Groups/{id}"), HttpStatusCode.OK);

        // MS-TUT "Update Group [Add Members]" request for a member the group already has (Entra re-sends adds for
        // existing members; IDP-BEHAVIOUR 1.2 "Observed Entra quirks").
        var response = await scim.PatchAsync($"/Groups/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "Add",
                    "path": "members",
                    "value": [{
                        "$ref": null,
                        "value": "{{a}}"
                    }]
                }]
            }
            """);

        NoContent(response);
        var after = Scim(await scim.GetAsync($"/Groups/{id}"), HttpStatusCode.OK);
        Assert.Equal(Sorted(a, b), MemberIds(after));
        Assert.Equal(VersionOf(before), VersionOf(after));
        Assert.Equal(Text(before["meta"]!["lastModified"]), Text(after["meta"]!["lastModified"]));
    }

    [Fact]
    public async Task Entra_group_patch_with_the_aadOptscim062020_flag_in_the_query_still_answers_204()
    {
        var scim = await hub.NewAppAsync();
        var id = await CreateDocumentedGroupAsync(scim, Bodies.Unique("displayName"));
        var a = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_A"));

        // MS-KI "Flags to alter the SCIM behavior": an unknown flag in the query string changes nothing.
        var response = await scim.PatchAsync($"/Groups/{id}?aadOptscim062020", AddMembers(a));

        NoContent(response);
        Assert.Equal([a], MemberIds(Scim(await scim.GetAsync($"/Groups/{id}"), HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Entra_delete_group_answers_204_and_the_group_is_then_a_404()
    {
        var scim = await hub.NewAppAsync();
        var displayName = Bodies.Unique("displayName");
        var id = await CreateDocumentedGroupAsync(scim, displayName);
        var a = await CreateDocumentedUserAsync(scim, Bodies.Unique("Member_A"));
        NoContent(await scim.PatchAsync($"/Groups/{id}", AddMembers(a)));

        // MS-TUT "Delete Group" request and response.
        NoContent(await scim.DeleteAsync($"/Groups/{id}"));

        (await scim.GetAsync($"/Groups/{id}")).AssertError(HttpStatusCode.NotFound, null);
        Assert.Empty(ListResponse(await scim.GetAsync($"/Groups?excludedAttributes=members&filter={Encode($"displayName eq \"{displayName}\"")}"), totalResults: 0));
        // The member stays, and no longer lists the group.
        var user = Scim(await scim.GetAsync($"/Users/{a}"), HttpStatusCode.OK);
        Assert.True(user["groups"] is null or JsonArray { Count: 0 }, user.ToJsonString());
    }

    /// <summary>MS-TUT "Create User" request; returns the new id.</summary>
    private static async Task<string> CreateDocumentedUserAsync(ScimClient scim, string userName, string? externalId = null)
    {
        var response = await scim.PostAsync("/Users", $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                "externalId": "{{externalId ?? Guid.NewGuid().ToString()}}",
                "userName": "{{userName}}",
                "active": true,
                "emails": [{
                    "primary": true,
                    "type": "work",
                    "value": "{{userName}}@testuser.com"
                }],
                "meta": {
                    "resourceType": "User"
                },
                "name": {
                    "formatted": "givenName familyName",
                    "familyName": "familyName",
                    "givenName": "givenName"
                },
                "roles": []
            }
            """);
        return Text(Scim(response, HttpStatusCode.Created)["id"])!;
    }

    /// <summary>MS-TUT "Create Group" request; returns the new id.</summary>
    private static async Task<string> CreateDocumentedGroupAsync(ScimClient scim, string displayName)
    {
        var response = await scim.PostAsync("/Groups", $$"""
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
                "externalId": "{{Guid.NewGuid()}}",
                "displayName": "{{displayName}}",
                "meta": {
                    "resourceType": "Group"
                }
            }
            """);
        return Text(Scim(response, HttpStatusCode.Created)["id"])!;
    }

    /// <summary>MS-TUT "Update Group [Add Members]" request body for the given member ids.</summary>
    private static string AddMembers(params string[] ids) => $$"""
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{
                "op": "Add",
                "path": "members",
                "value": [{{string.Join(", ", ids.Select(id => $$"""{ "$ref": null, "value": "{{id}}" }"""))}}]
            }]
        }
        """;

    /// <summary>The manager's id; the manager must be one complex object (not a list, not a string) in the extension.</summary>
    private static string? ManagerOf(JsonObject user)
    {
        var manager = Enterprise(user)?["manager"] as JsonObject;
        Assert.True(manager is not null, $"manager must be a single complex object; got {Enterprise(user)?["manager"]?.ToJsonString() ?? "nothing"}.");
        return Text(manager["value"]);
    }
}
