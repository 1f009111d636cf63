using System.Net;
using System.Text.Json.Nodes;
using ScimHub.Tests.Support;
using static ScimHub.Tests.Replay.ReplayAssert;

namespace ScimHub.Tests.Replay;

/// <summary>
/// Okta's provisioning requests, replayed as Okta sends them. Source: OKTA-REF = developer.okta.com "SCIM 2.0 Protocol
/// Reference" (okta-developer-docs docs/reference/scim/scim-20/index.md); OKTA-TEST = Okta's Runscope SPEC suite as
/// described in "Test your SCIM API" (randomUsernameCaps).
/// </summary>
public sealed class OktaFlowTests(HubFactory hub)
{
    [Fact]
    public async Task Okta_create_flow_finds_no_user_then_creates_it_without_echoing_the_password()
    {
        var scim = await hub.NewAppAsync("Okta");
        var userName = $"{Bodies.Unique("test.user")}@okta.local";
        const string Password = "1mz050nq";

        // OKTA-REF "Determine if the User already exists".
        var lookup = await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{userName}\"")}&startIndex=1&count=100");
        Assert.Empty(ListResponse(lookup, totalResults: 0));

        // OKTA-REF "Create the User" request.
        var response = await scim.PostAsync("/Users", $$"""
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "{{userName}}",
                "name": {
                    "givenName": "Test",
                    "familyName": "User"
                },
                "emails": [{
                    "primary": true,
                    "value": "{{userName}}",
                    "type": "work"
                }],
                "displayName": "Test User",
                "locale": "en-US",
                "externalId": "00ujl29u0le5T6Aj10h7",
                "groups": [],
                "password": "{{Password}}",
                "active": true
            }
            """);

        // OKTA-REF "Create the User" response: 201 with the created user; an empty body fails the provisioning.
        var user = Scim(response, HttpStatusCode.Created);
        Resource(user, "User", Bodies.UserSchema);
        Assert.Equal(userName, Text(user["userName"]));
        Assert.Equal("Test", Text(user["name"]!["givenName"]));
        Assert.Equal("User", Text(user["name"]!["familyName"]));
        Assert.Equal(userName, Email(user, "work"));
        Assert.Equal("Test User", Text(user["displayName"]));
        Assert.Equal("en-US", Text(user["locale"]));
        Assert.Equal("00ujl29u0le5T6Aj10h7", Text(user["externalId"]));
        Assert.True(Bool(user["active"], "active"));
        Assert.True(user["groups"] is null or JsonArray { Count: 0 }, user.ToJsonString());
        // The password is write-only (RFC 7643 §4.1.1 "returned never"): not in the answer, nor in a later read.
        Assert.False(HasMemberNamed(user, "password"), user.ToJsonString());
        Assert.DoesNotContain(Password, user.ToJsonString(), StringComparison.Ordinal);
        var id = Text(user["id"])!;
        var read = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        Assert.False(HasMemberNamed(read, "password"), read.ToJsonString());
        Assert.DoesNotContain(Password, read.ToJsonString(), StringComparison.Ordinal);
        var found = await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{userName}\"")}&startIndex=1&count=100");
        var listed = Assert.Single(ListResponse(found, totalResults: 1));
        Assert.Equal(id, Text(listed!["id"]));
        Assert.False(HasMemberNamed(listed, "password"));
    }

    [Fact]
    public async Task Okta_create_of_an_existing_user_is_a_409_uniqueness_error()
    {
        var scim = await hub.NewAppAsync("Okta");
        var userName = $"{Bodies.Unique("test.user")}@okta.local";
        // OKTA-REF "Create the User" request, sent twice.
        var body = $$"""
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "{{userName}}",
                "name": {
                    "givenName": "Test",
                    "familyName": "User"
                },
                "emails": [{
                    "primary": true,
                    "value": "{{userName}}",
                    "type": "work"
                }],
                "displayName": "Test User",
                "locale": "en-US",
                "externalId": "00ujl29u0le5T6Aj10h7",
                "groups": [],
                "password": "1mz050nq",
                "active": true
            }
            """;
        Scim(await scim.PostAsync("/Users", body), HttpStatusCode.Created);

        // OKTA-REF "Create the User": "If the User object that Okta tries to create already exists ... 409 Conflict"
        // with the error schema; RFC 7644 §3.3 names the scimType "uniqueness".
        (await scim.PostAsync("/Users", body)).AssertError(HttpStatusCode.Conflict, "uniqueness");
    }

    [Fact]
    public async Task Okta_create_of_a_userName_differing_only_in_case_is_a_409_uniqueness_error()
    {
        var scim = await hub.NewAppAsync("Okta");
        var userName = $"{Bodies.Unique("Test.User")}@okta.local";
        await scim.CreateUserAsync(userName);

        // OKTA-REF "Create the User" request with the same userName in other capitals (userName is caseExact false,
        // uniqueness server: RFC 7643 §4.1.1).
        var response = await scim.PostAsync("/Users", $$"""
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "{{userName.ToUpperInvariant()}}",
                "name": { "givenName": "Test", "familyName": "User" },
                "emails": [{ "primary": true, "value": "{{userName}}", "type": "work" }],
                "groups": [],
                "password": "1mz050nq",
                "active": true
            }
            """);

        response.AssertError(HttpStatusCode.Conflict, "uniqueness");
    }

    [Fact]
    public async Task Okta_userName_filter_matches_whatever_the_capitalisation()
    {
        var scim = await hub.NewAppAsync("Okta");
        var userName = $"{Bodies.Unique("Test.User")}@Okta.Local";
        var id = await scim.CreateUserAsync(userName);

        // OKTA-TEST SPEC suite: the userName filter with randomUsernameCaps must find the user.
        foreach (var variant in new[] { userName.ToUpperInvariant(), userName.ToLowerInvariant(), AlternatingCaps(userName) })
        {
            var response = await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{variant}\"")}&startIndex=1&count=100");
            var user = Assert.Single(ListResponse(response, totalResults: 1));
            Assert.Equal(id, Text(user!["id"]));
            // Stored as sent.
            Assert.Equal(userName, Text(user["userName"]));
        }
    }

    [Fact]
    public async Task Okta_import_pages_through_every_user_exactly_once_in_a_stable_order()
    {
        var scim = await hub.NewAppAsync("Okta");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await scim.CreateUserAsync(Bodies.Unique($"import{i}")));
        }

        // OKTA-REF "Retrieve Users": pages of count, startIndex += count until totalResults (here count=2 as Okta's
        // connection test sends it, so that there are several pages).
        var seen = new List<string>();
        for (var startIndex = 1; startIndex <= 5; startIndex += 2)
        {
            var response = await scim.GetAsync($"/Users?startIndex={startIndex}&count=2");
            var page = ListResponse(response, totalResults: 5, startIndex: startIndex);
            Assert.Equal(Math.Min(2, 5 - startIndex + 1), page.Count);
            seen.AddRange(page.Select(u => Text(u!["id"])!));
        }

        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(created.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));

        // "The SCIM server must consistently return the same ordering of results ... regardless of which values are
        // provided for the count and startIndex": one page of 100 lists them in the same order.
        var all = ListResponse(await scim.GetAsync("/Users?startIndex=1&count=100"), totalResults: 5);
        Assert.Equal(seen, all.Select(u => Text(u!["id"])!));
        var again = ListResponse(await scim.GetAsync("/Users?startIndex=3&count=2"), totalResults: 5, startIndex: 3);
        Assert.Equal(seen.Skip(2).Take(2), again.Select(u => Text(u!["id"])!));

        // Past the end: an empty page, still with integer paging fields.
        Assert.Empty(ListResponse(await scim.GetAsync("/Users?startIndex=101&count=100"), totalResults: 5, startIndex: 101));
    }

    [Fact]
    public async Task Okta_update_by_put_of_the_whole_user_reads_back_exactly_what_was_put()
    {
        var scim = await hub.NewAppAsync("Okta");
        var userName = $"{Bodies.Unique("test.user")}@okta.local";
        var id = await CreateOktaUserAsync(scim, userName);

        // OKTA-REF "Retrieve the User".
        Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);

        // OKTA-REF "Update the User" request: the whole object, with id, groups and meta, the middle name changed.
        var put = $$"""
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "id": "{{id}}",
                "userName": "{{userName}}",
                "name": {
                    "givenName": "Another",
                    "middleName": "Excited",
                    "familyName": "User"
                },
                "emails": [{
                    "primary": true,
                    "value": "{{userName}}",
                    "type": "work",
                    "display": "{{userName}}"
                }],
                "active": true,
                "groups": [],
                "meta": {
                    "resourceType": "User"
                }
            }
            """;
        var response = await scim.PutAsync($"/Users/{id}", put);

        // OKTA-REF "Update the User" response: 200 with the updated user.
        var updated = Scim(response, HttpStatusCode.OK);
        AssertReadsBackAsPut(JsonNode.Parse(put)!.AsObject(), updated);
        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        AssertReadsBackAsPut(JsonNode.Parse(put)!.AsObject(), user);
        Assert.Equal("Excited", Text(user["name"]!["middleName"]));
        // PUT replaces: what the PUT left out (displayName, locale, externalId of the create) is gone.
        Assert.False(user.ContainsKey("displayName"));
        Assert.False(user.ContainsKey("locale"));
        Assert.False(user.ContainsKey("externalId"));
    }

    [Fact]
    public async Task Okta_put_without_active_stores_the_user_without_active_as_sent()
    {
        var scim = await hub.NewAppAsync("Okta");
        var userName = $"{Bodies.Unique("test.user")}@okta.local";
        var id = await CreateOktaUserAsync(scim, userName);

        // OKTA-REF "Update the User" request shape, from an App Integration Wizard app that left active out.
        var put = $$"""
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "id": "{{id}}",
                "userName": "{{userName}}",
                "name": {
                    "givenName": "Another",
                    "familyName": "User"
                },
                "emails": [{
                    "primary": true,
                    "value": "{{userName}}",
                    "type": "work"
                }],
                "groups": [],
                "meta": {
                    "resourceType": "User"
                }
            }
            """;
        var response = await scim.PutAsync($"/Users/{id}", put);

        // ScimHub does what RFC 7644 §3.5.1 says of PUT: active, not sent, is cleared (not kept true, not set false).
        var updated = Scim(response, HttpStatusCode.OK);
        Assert.False(updated.ContainsKey("active"), updated.ToJsonString());
        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        AssertReadsBackAsPut(JsonNode.Parse(put)!.AsObject(), user);
        Assert.False(user.ContainsKey("active"), user.ToJsonString());

        // A later PUT with "active": false (how AIW apps deactivate) reads back false.
        var deactivate = put.Replace("\"groups\": [],", "\"active\": false,\n    \"groups\": [],", StringComparison.Ordinal);
        Assert.False(Bool(Scim(await scim.PutAsync($"/Users/{id}", deactivate), HttpStatusCode.OK)["active"], "active"));
        var deactivated = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        AssertReadsBackAsPut(JsonNode.Parse(deactivate)!.AsObject(), deactivated);
        Assert.False(Bool(deactivated["active"], "active"));
    }

    [Fact]
    public async Task Okta_deactivate_with_a_path_less_replace_of_active_false_keeps_the_user_readable()
    {
        var scim = await hub.NewAppAsync("Okta");
        var userName = $"{Bodies.Unique("test.user")}@okta.local";
        var id = await CreateOktaUserAsync(scim, userName);

        // OKTA-REF "Update a specific User (PATCH)", deactivation request.
        var response = await scim.PatchAsync($"/Users/{id}", """
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "replace",
                    "value": {
                        "active": false
                    }
                }]
            }
            """);

        // OKTA-REF: "The response from the SCIM server needs to be the updated User object" (or 204).
        var patched = Scim(response, HttpStatusCode.OK);
        Assert.Equal(id, Text(patched["id"]));
        Assert.False(Bool(patched["active"], "active"));
        Assert.Equal(userName, Text(patched["userName"]));
        // OKTA-REF "Delete Users": Okta never deletes; the deactivated user stays, active false.
        var user = Scim(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.OK);
        Assert.False(Bool(user["active"], "active"));
        Assert.Equal("Test", Text(user["name"]!["givenName"]));
        var listed = Assert.Single(ListResponse(await scim.GetAsync($"/Users?filter={Encode($"userName eq \"{userName}\"")}&startIndex=1&count=100"), totalResults: 1));
        Assert.False(Bool(listed!["active"], "active"));

        // Reactivation is the same request with true.
        var reactivate = await scim.PatchAsync($"/Users/{id}", """
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "replace",
                    "value": {
                        "active": true
                    }
                }]
            }
            """);
        Assert.True(Bool(Scim(reactivate, HttpStatusCode.OK)["active"], "active"));
    }

    [Fact]
    public async Task Okta_group_push_creates_renames_changes_members_and_deletes_the_group()
    {
        var scim = await hub.NewAppAsync("Okta");
        var a = await CreateOktaUserAsync(scim, $"{Bodies.Unique("a")}@okta.local");
        var b = await CreateOktaUserAsync(scim, $"{Bodies.Unique("b")}@okta.local");
        var c = await CreateOktaUserAsync(scim, $"{Bodies.Unique("c")}@okta.local");
        var displayName = Bodies.Unique("Test SCIMv2");

        // OKTA-REF "Create Groups" request.
        var created = await scim.PostAsync("/Groups", $$"""
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "{{displayName}}",
                "members": []
            }
            """);

        // OKTA-REF "Create Groups" response: the group as a GET would return it.
        var group = Scim(created, HttpStatusCode.Created);
        Resource(group, "Group", Bodies.GroupSchema);
        Assert.Equal(displayName, Text(group["displayName"]));
        Assert.Empty(Assert.IsType<JsonArray>(group["members"]));
        var id = Text(group["id"])!;

        // OKTA-REF "Update a specific Group name" request: path-less replace carrying the group's own id.
        var newName = Bodies.Unique("Test SCIMv20");
        var renamed = await scim.PatchAsync($"/Groups/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "replace",
                    "value": {
                        "id": "{{id}}",
                        "displayName": "{{newName}}"
                    }
                }]
            }
            """);
        AssertPatchAccepted(renamed);
        var afterRename = Scim(await scim.GetAsync($"/Groups/{id}"), HttpStatusCode.OK);
        Assert.Equal(newName, Text(afterRename["displayName"]));
        Assert.Equal(id, Text(afterRename["id"]));

        // OKTA-REF "Update a specific Group name", sent again unchanged "each time there is a group membership update".
        AssertPatchAccepted(await scim.PatchAsync($"/Groups/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "replace",
                    "value": {
                        "id": "{{id}}",
                        "displayName": "{{newName}}"
                    }
                }]
            }
            """));
        // A first membership: a and b (the add half of OKTA-REF "Update specific Group membership").
        AssertPatchAccepted(await scim.PatchAsync($"/Groups/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "add",
                    "path": "members",
                    "value": [{ "value": "{{a}}", "display": "a@okta.local" }, { "value": "{{b}}", "display": "b@okta.local" }]
                }]
            }
            """));
        Assert.Equal(Sorted(a, b), MemberIds(Scim(await scim.GetAsync($"/Groups/{id}"), HttpStatusCode.OK)));

        // OKTA-REF "Update specific Group membership" request: one PATCH removing b by value filter and adding c.
        var changed = await scim.PatchAsync($"/Groups/{id}", $$"""
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                      "op": "remove",
                      "path": "members[value eq \"{{b}}\"]"
                    },
                    {
                      "op": "add",
                      "path": "members",
                      "value": [{
                          "value": "{{c}}",
                          "display": "c@okta.local"
                    }]
                }]
            }
            """);
        AssertPatchAccepted(changed);
        Assert.Equal(Sorted(a, c), MemberIds(Scim(await scim.GetAsync($"/Groups/{id}"), HttpStatusCode.OK)));

        // OKTA-REF "Update specific Group membership", full push: replace every member with the list.
        var replaced = await scim.PatchAsync($"/Groups/{id}", $$"""
            {
              "schemas": [
                "urn:ietf:params:scim:api:messages:2.0:PatchOp"
              ],
              "Operations": [
                {
                  "op": "replace",
                  "path": "members",
                  "value": [
                    {
                      "value": "{{b}}",
                      "display": "b@okta.local"
                    },
                    {
                      "value": "{{c}}",
                      "display": "c@okta.local"
                    }
                  ]
                }
              ]
            }
            """);
        AssertPatchAccepted(replaced);
        var afterReplace = Scim(await scim.GetAsync($"/Groups/{id}"), HttpStatusCode.OK);
        Assert.Equal(Sorted(b, c), MemberIds(afterReplace));
        Assert.Equal(newName, Text(afterReplace["displayName"]));

        // OKTA-REF "Delete a specific Group": 204, then the group is gone and its members are not.
        NoContent(await scim.DeleteAsync($"/Groups/{id}"));
        (await scim.GetAsync($"/Groups/{id}")).AssertError(HttpStatusCode.NotFound, null);
        Scim(await scim.GetAsync($"/Users/{b}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Okta_group_import_pages_with_integer_paging_fields()
    {
        var scim = await hub.NewAppAsync("Okta");
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            // OKTA-REF "Create Groups" request.
            var response = await scim.PostAsync("/Groups", $$"""
                {
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                    "displayName": "{{Bodies.Unique($"Group {i}")}}",
                    "members": []
                }
                """);
            created.Add(Text(Scim(response, HttpStatusCode.Created)["id"])!);
        }

        // OKTA-REF "Retrieve Groups": startIndex/count paging.
        var first = ListResponse(await scim.GetAsync("/Groups?startIndex=1&count=2"), totalResults: 3, startIndex: 1);
        var second = ListResponse(await scim.GetAsync("/Groups?startIndex=3&count=2"), totalResults: 3, startIndex: 3);

        var seen = first.Concat(second).Select(g => Text(g!["id"])!).ToList();
        Assert.Equal(created.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    /// <summary>OKTA-REF "Create the User" request; returns the new id.</summary>
    private static async Task<string> CreateOktaUserAsync(ScimClient scim, string userName)
    {
        var response = await scim.PostAsync("/Users", $$"""
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "{{userName}}",
                "name": {
                    "givenName": "Test",
                    "familyName": "User"
                },
                "emails": [{
                    "primary": true,
                    "value": "{{userName}}",
                    "type": "work"
                }],
                "displayName": "Test User",
                "locale": "en-US",
                "externalId": "{{Guid.NewGuid():N}}",
                "groups": [],
                "password": "1mz050nq",
                "active": true
            }
            """);
        return Text(Scim(response, HttpStatusCode.Created)["id"])!;
    }

    /// <summary>OKTA-REF: a PATCH answers "the updated ... object" with 200, or "a HTTP 204 response, with no body".</summary>
    private static void AssertPatchAccepted(ScimResponse response)
    {
        if (response.Status == HttpStatusCode.NoContent)
        {
            NoContent(response);
            return;
        }

        var body = Scim(response, HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(Text(body["id"])));
    }

    /// <summary>Every attribute of the PUT body reads back equal, and nothing else comes back but the server's own.</summary>
    private static void AssertReadsBackAsPut(JsonObject put, JsonObject read)
    {
        string[] serverOwned = ["schemas", "id", "meta", "groups", "password"];
        foreach (var (key, value) in put)
        {
            if (serverOwned.Contains(key))
            {
                continue;
            }

            Assert.True(JsonNode.DeepEquals(value, read[key]), $"'{key}': PUT {value?.ToJsonString()}, read back {read[key]?.ToJsonString() ?? "nothing"}.");
        }

        foreach (var (key, _) in read)
        {
            Assert.True(serverOwned.Contains(key) || put.ContainsKey(key), $"'{key}' was not PUT but reads back as {read[key]?.ToJsonString()}.");
        }
    }

    private static string AlternatingCaps(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = i % 2 == 0 ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }
}
