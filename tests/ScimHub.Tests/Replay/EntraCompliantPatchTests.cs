using System.Net;
using System.Text.Json.Nodes;
using ScimHub.Tests.Support;
using static ScimHub.Tests.Replay.ReplayAssert;

namespace ScimHub.Tests.Replay;

/// <summary>
/// The four PATCH shapes that Entra ID changes when the Tenant URL carries <c>?aadOptscim062020</c>, replayed in both
/// forms. Source: MS-KI = learn.microsoft.com "Known issues and resolutions with SCIM 2.0 protocol compliance of the
/// Microsoft Entra user provisioning service" (entra-docs application-provisioning-config-problem-scim-compatibility.md),
/// "Flags to alter the SCIM behavior", each "Without feature flag" / "With feature flag" pair.
/// </summary>
public sealed class EntraCompliantPatchTests(HubFactory hub)
{
    [Fact]
    public async Task Entra_with_aadOptscim062020_disables_a_user_with_lowercase_replace_and_a_real_boolean()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Test_User");
        var id = await scim.CreateUserAsync(userName);

        // MS-KI "Requests made to disable users", With feature flag.
        var response = await scim.PatchAsync($"/Users/{id}", """
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "replace",
                        "path": "active",
                        "value": false
                    }
                ]
            }
            """);

        Assert.False(Bool(Scim(response, HttpStatusCode.OK)["active"], "active"));
        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        Assert.False(Bool(user["active"], "active"));
        var matched = Assert.Single(ListResponse(await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{userName}\"")}"), totalResults: 1));
        Assert.False(Bool(matched!["active"], "active"));

        // The same op with true restores the user (MS-TUT requirement "restoring the user active=true").
        var restore = await scim.PatchAsync($"/Users/{id}", """
            { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{ "op": "replace", "path": "active", "value": true }] }
            """);
        Assert.True(Bool(Scim(restore, HttpStatusCode.OK)["active"], "active"));
    }

    [Fact]
    public async Task Entra_disable_gives_the_same_user_with_and_without_aadOptscim062020()
    {
        var scim = await hub.NewAppAsync();
        var withoutFlag = await scim.CreateUserAsync(Bodies.Unique("Test_User"));
        var withFlag = await scim.CreateUserAsync(Bodies.Unique("Test_User"));

        // MS-KI "Requests made to disable users", Without feature flag.
        Scim(await scim.PatchAsync($"/Users/{withoutFlag}", """
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
            """), HttpStatusCode.OK);
        // MS-KI "Requests made to disable users", With feature flag.
        Scim(await scim.PatchAsync($"/Users/{withFlag}", """
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "replace",
                        "path": "active",
                        "value": false
                    }
                ]
            }
            """), HttpStatusCode.OK);

        var a = Scim(await scim.GetAsync($"/Users/{withoutFlag}"), HttpStatusCode.OK);
        var b = Scim(await scim.GetAsync($"/Users/{withFlag}"), HttpStatusCode.OK);
        Assert.False(Bool(a["active"], "active"));
        Assert.False(Bool(b["active"], "active"));
    }

    [Fact]
    public async Task Entra_adds_a_single_valued_string_with_Add_and_with_lowercase_add_alike()
    {
        var scim = await hub.NewAppAsync();
        var withoutFlag = await scim.CreateUserAsync(Bodies.Unique("Test_User"));
        var withFlag = await scim.CreateUserAsync(Bodies.Unique("Test_User"));

        // MS-KI "Requests made to add a single-value string attribute", Without feature flag.
        var before = await scim.PatchAsync($"/Users/{withoutFlag}", """
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                  {
                    "op": "Add",
                    "path": "nickName",
                    "value": "Babs"
                  }
                ]
            }
            """);
        // MS-KI "Requests made to add a single-value string attribute", With feature flag.
        var after = await scim.PatchAsync($"/Users/{withFlag}", """
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [
                  {
                    "op": "add",
                    "path": "nickName",
                    "value": "Babs"
                  }
                ]
            }
            """);

        Assert.Equal("Babs", Text(Scim(before, HttpStatusCode.OK)["nickName"]));
        Assert.Equal("Babs", Text(Scim(after, HttpStatusCode.OK)["nickName"]));
        Assert.Equal("Babs", Text(Scim(await scim.GetAsync($"/Users/{withoutFlag}"), HttpStatusCode.OK)["nickName"]));
        Assert.Equal("Babs", Text(Scim(await scim.GetAsync($"/Users/{withFlag}"), HttpStatusCode.OK)["nickName"]));
    }

    [Fact]
    public async Task Entra_with_aadOptscim062020_replaces_many_attributes_with_a_path_less_replace_of_dotted_and_urn_keys()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Test_User");
        var id = await scim.CreateUserAsync(userName);

        // MS-KI "Requests to replace multiple attributes", With feature flag: one path-filtered op for the work email and
        // one path-less replace whose keys are attribute paths (dotted and URN-qualified), not attribute names.
        var response = await scim.PatchAsync($"/Users/{id}", $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "replace",
                        "path": "emails[type eq \"work\"].value",
                        "value": "{{userName}}_TestMhvaes@test.microsoft.com"
                    },
                    {
                        "op": "replace",
                        "value": {
                            "displayName": "Bjfe",
                            "name.givenName": "Kkom",
                            "name.familyName": "Unua",
                            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Aklq"
                        }
                    }
                ]
            }
            """);

        var patched = Scim(response, HttpStatusCode.OK);
        AssertReplaced(patched, $"{userName}_TestMhvaes@test.microsoft.com", "Bjfe", "Kkom", "Unua", "Aklq");
        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        AssertReplaced(user, $"{userName}_TestMhvaes@test.microsoft.com", "Bjfe", "Kkom", "Unua", "Aklq");
        // A key is a path: name.formatted, not named, stays; no literal "name.givenName" or URN-named member appears.
        Assert.Equal("Given Family", Text(user["name"]!["formatted"]));
        Assert.False(user.ContainsKey("name.givenName"), user.ToJsonString());
        Assert.False(user.ContainsKey("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"), user.ToJsonString());
        Assert.Contains(Bodies.EnterpriseSchema, Schemas(user));
        Assert.Equal(userName, Text(user["userName"]));
    }

    [Fact]
    public async Task Entra_replace_of_many_attributes_gives_the_same_user_with_and_without_aadOptscim062020()
    {
        var scim = await hub.NewAppAsync();
        var withoutFlag = await scim.CreateUserAsync(Bodies.Unique("Test_User"));
        var withFlag = await scim.CreateUserAsync(Bodies.Unique("Test_User"));
        var tag = Guid.NewGuid().ToString("N");

        // MS-KI "Requests to replace multiple attributes", Without feature flag (one Replace per attribute).
        var before = await scim.PatchAsync($"/Users/{withoutFlag}", $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "Replace",
                        "path": "displayName",
                        "value": "Pvlo"
                    },
                    {
                        "op": "Replace",
                        "path": "emails[type eq \"work\"].value",
                        "value": "{{tag}}_1_TestBcwqnm@test.microsoft.com"
                    },
                    {
                        "op": "Replace",
                        "path": "name.givenName",
                        "value": "Gtfd"
                    },
                    {
                        "op": "Replace",
                        "path": "name.familyName",
                        "value": "Pkqf"
                    },
                    {
                        "op": "Replace",
                        "path": "externalId",
                        "value": "Eqpj"
                    },
                    {
                        "op": "Replace",
                        "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
                        "value": "Eqpj"
                    }
                ]
            }
            """);
        // MS-KI "Requests to replace multiple attributes", With feature flag, carrying the same values.
        var after = await scim.PatchAsync($"/Users/{withFlag}", $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "replace",
                        "path": "emails[type eq \"work\"].value",
                        "value": "{{tag}}_2_TestBcwqnm@test.microsoft.com"
                    },
                    {
                        "op": "replace",
                        "value": {
                            "displayName": "Pvlo",
                            "name.givenName": "Gtfd",
                            "name.familyName": "Pkqf",
                            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Eqpj"
                        }
                    }
                ]
            }
            """);

        Scim(before, HttpStatusCode.OK);
        Scim(after, HttpStatusCode.OK);
        var a = Scim(await scim.GetAsync($"/Users/{withoutFlag}"), HttpStatusCode.OK);
        var b = Scim(await scim.GetAsync($"/Users/{withFlag}"), HttpStatusCode.OK);
        AssertReplaced(a, $"{tag}_1_TestBcwqnm@test.microsoft.com", "Pvlo", "Gtfd", "Pkqf", "Eqpj");
        AssertReplaced(b, $"{tag}_2_TestBcwqnm@test.microsoft.com", "Pvlo", "Gtfd", "Pkqf", "Eqpj");
        Assert.Equal("Eqpj", Text(a["externalId"]));
        Assert.True(JsonNode.DeepEquals(a["name"], b["name"]), $"{a["name"]?.ToJsonString()} vs {b["name"]?.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(Enterprise(a), Enterprise(b)));
        Assert.Equal(Schemas(a), Schemas(b));
    }

    [Fact]
    public async Task Entra_with_aadOptscim062020_removes_a_group_member_by_value_filter_path()
    {
        var scim = await hub.NewAppAsync();
        var group = await scim.CreateGroupAsync(Bodies.Unique("Group"));
        var stays = await scim.CreateUserAsync(Bodies.Unique("Member_Stays"));
        var leaves = await scim.CreateUserAsync(Bodies.Unique("Member_Leaves"));
        // MS-TUT "Update Group [Add Members]".
        NoContent(await scim.PatchAsync($"/Groups/{group}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{ "op": "add", "path": "members", "value": [{ "value": "{{stays}}" }, { "value": "{{leaves}}" }] }]
            }
            """));

        // MS-KI "Requests made to remove a group member", With feature flag.
        var response = await scim.PatchAsync($"/Groups/{group}", $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "remove",
                        "path": "members[value eq \"{{leaves}}\"]"
                    }
                ]
            }
            """);

        // MS-TUT "Update Group [Remove Members]" response: 204.
        NoContent(response);
        Assert.Equal([stays], MemberIds(Scim(await scim.GetAsync($"/Groups/{group}"), HttpStatusCode.OK)));
        var user = Scim(await scim.GetAsync($"/Users/{leaves}"), HttpStatusCode.OK);
        Assert.True(user["groups"] is null or JsonArray { Count: 0 }, user.ToJsonString());
    }

    [Fact]
    public async Task Entra_member_removal_gives_the_same_group_with_and_without_aadOptscim062020()
    {
        var scim = await hub.NewAppAsync();
        var withoutFlag = await scim.CreateGroupAsync(Bodies.Unique("Group"));
        var withFlag = await scim.CreateGroupAsync(Bodies.Unique("Group"));
        var stays = await scim.CreateUserAsync(Bodies.Unique("Member_Stays"));
        var leaves = await scim.CreateUserAsync(Bodies.Unique("Member_Leaves"));
        foreach (var group in new[] { withoutFlag, withFlag })
        {
            // MS-TUT "Update Group [Add Members]".
            NoContent(await scim.PatchAsync($"/Groups/{group}", $$"""
                {
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [{ "op": "Add", "path": "members", "value": [{ "$ref": null, "value": "{{stays}}" }, { "$ref": null, "value": "{{leaves}}" }] }]
                }
                """));
        }

        // MS-KI "Requests made to remove a group member", Without feature flag.
        NoContent(await scim.PatchAsync($"/Groups/{withoutFlag}", $$"""
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
                                "value": "{{leaves}}"
                            }
                        ]
                    }
                ]
            }
            """));
        // MS-KI "Requests made to remove a group member", With feature flag.
        NoContent(await scim.PatchAsync($"/Groups/{withFlag}", $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "remove",
                        "path": "members[value eq \"{{leaves}}\"]"
                    }
                ]
            }
            """));

        Assert.Equal([stays], MemberIds(Scim(await scim.GetAsync($"/Groups/{withoutFlag}"), HttpStatusCode.OK)));
        Assert.Equal([stays], MemberIds(Scim(await scim.GetAsync($"/Groups/{withFlag}"), HttpStatusCode.OK)));
    }

    private static void AssertReplaced(JsonObject user, string workEmail, string displayName, string givenName, string familyName, string employeeNumber)
    {
        Assert.Equal(workEmail, Email(user, "work"));
        Assert.Single(Assert.IsType<JsonArray>(user["emails"]));
        Assert.Equal(displayName, Text(user["displayName"]));
        Assert.Equal(givenName, Text(user["name"]!["givenName"]));
        Assert.Equal(familyName, Text(user["name"]!["familyName"]));
        Assert.Equal(employeeNumber, Text(Enterprise(user)?["employeeNumber"]));
    }
}
