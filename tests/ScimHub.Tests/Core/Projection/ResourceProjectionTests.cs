using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Projection;
using ScimHub.Core.Schemas;

namespace ScimHub.Tests.Core.Projection;

public sealed class ResourceProjectionTests
{
    private const string CoreUser = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>A stored user; the password is here only to prove it never leaves.</summary>
    private const string UserJson = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "id": "2819c223",
          "externalId": "bjensen-hr",
          "userName": "bjensen",
          "name": { "formatted": "Ms. Barbara J Jensen", "familyName": "Jensen", "givenName": "Barbara" },
          "displayName": "Babs Jensen",
          "active": true,
          "password": "t1meMachine!",
          "emails": [
            { "value": "bjensen@example.com", "type": "work", "primary": true },
            { "value": "babs@jensen.org", "type": "home" }
          ],
          "meta": { "resourceType": "User", "created": "2026-01-05T10:00:00Z", "lastModified": "2026-02-01T08:30:00Z" },
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "department": "Tour Operations",
            "manager": { "value": "26118915", "displayName": "John Smith" }
          }
        }
        """;

    private const string GroupJson = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
          "id": "e9e30dba",
          "displayName": "Tour Guides",
          "members": [ { "value": "2819c223", "display": "Babs Jensen", "type": "User" } ],
          "meta": { "resourceType": "Group", "created": "2026-01-05T10:00:00Z", "lastModified": "2026-01-05T10:00:00Z" }
        }
        """;

    [Fact]
    public void Default_projection_returns_everything_but_the_password()
    {
        var result = ProjectUser(null, null);

        var expected = Parse(UserJson);
        expected.Remove("password");
        AssertJson(expected, result);
    }

    [Fact]
    public void Default_projection_puts_schemas_first_and_does_not_change_the_stored_resource()
    {
        var stored = Parse(UserJson);
        var before = stored.DeepClone();

        var result = ResourceProjection.Project(stored, CoreSchemas.UserType, AttributeSelection.Default);

        Assert.Equal("schemas", result.First().Key);
        AssertJson(before, stored);
        Assert.NotSame(stored, result);
    }

    [Fact]
    public void Attributes_return_only_the_requested_attributes_with_id_and_schemas()
    {
        // RFC 7644 §3.4.2.5: "attributes" overrides the default set; attributes returned "always" (id) are still included.
        // meta is not "always" (RFC 7643 §3.1), so it is left out.
        var result = ProjectUser("userName,emails", null);

        AssertJson("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "id": "2819c223",
              "userName": "bjensen",
              "emails": [
                { "value": "bjensen@example.com", "type": "work", "primary": true },
                { "value": "babs@jensen.org", "type": "home" }
              ]
            }
            """, result);
    }

    [Fact]
    public void Attributes_are_matched_case_insensitively_and_may_carry_spaces()
    {
        var result = ProjectUser(" USERNAME , Active", null);

        AssertJson("""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "2819c223", "userName": "bjensen", "active": true }
            """, result);
    }

    [Fact]
    public void Attributes_may_name_core_attributes_with_the_core_schema_urn()
    {
        // RFC 7644 §3.10: a fully qualified attribute name is the schema URN followed by ":" and the name.
        var result = ProjectUser("urn:ietf:params:scim:schemas:core:2.0:User:userName", null);

        AssertJson("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "2819c223", "userName": "bjensen" }""", result);
    }

    [Fact]
    public void Attributes_with_a_sub_attribute_return_the_complex_attribute_with_only_that_sub_attribute()
    {
        var result = ProjectUser("name.givenName", null);

        AssertJson("""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "2819c223", "name": { "givenName": "Barbara" } }
            """, result);
    }

    [Fact]
    public void Attributes_with_a_sub_attribute_of_a_multi_valued_attribute_keep_that_sub_attribute_of_every_value()
    {
        var result = ProjectUser("emails.value", null);

        AssertJson("""[ { "value": "bjensen@example.com" }, { "value": "babs@jensen.org" } ]""", result["emails"]);
    }

    [Fact]
    public void Attributes_with_two_sub_attributes_of_one_attribute_keep_both()
    {
        var result = ProjectUser("name.givenName,name.familyName", null);

        AssertJson("""{ "givenName": "Barbara", "familyName": "Jensen" }""", result["name"]);
    }

    [Fact]
    public void Attributes_may_ask_for_meta_or_one_of_its_sub_attributes()
    {
        AssertJson("""{ "resourceType": "User", "created": "2026-01-05T10:00:00Z", "lastModified": "2026-02-01T08:30:00Z" }""", ProjectUser("meta", null)["meta"]);
        AssertJson("""{ "lastModified": "2026-02-01T08:30:00Z" }""", ProjectUser("meta.lastModified", null)["meta"]);
    }

    [Fact]
    public void Attribute_returned_never_is_not_returned_even_when_asked_for()
    {
        var result = ProjectUser("userName,password", null);

        Assert.False(result.ContainsKey("password"));
    }

    [Fact]
    public void Excluded_attributes_are_dropped_and_the_rest_kept()
    {
        var result = ProjectUser(null, "emails,name");

        var expected = Parse(UserJson);
        expected.Remove("password");
        expected.Remove("emails");
        expected.Remove("name");
        AssertJson(expected, result);
    }

    [Fact]
    public void Excluded_sub_attribute_drops_only_that_sub_attribute()
    {
        var result = ProjectUser(null, "name.givenName");

        AssertJson("""{ "formatted": "Ms. Barbara J Jensen", "familyName": "Jensen" }""", result["name"]);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("ID")]
    [InlineData("id,userName")]
    public void Excluding_id_does_not_drop_it_because_it_is_returned_always(string excluded)
    {
        // RFC 7644 §3.4.2.5: excludedAttributes has no effect on attributes whose "returned" is "always".
        var result = ProjectUser(null, excluded);

        AssertJson("\"2819c223\"", result["id"]);
    }

    [Fact]
    public void Excluded_members_are_dropped_from_a_group()
    {
        // Entra: GET /Groups/{id}?excludedAttributes=members (MS-TUT request 13).
        var result = ResourceProjection.Project(Parse(GroupJson), CoreSchemas.GroupType, AttributeSelection.Parse(null, "members", CoreSchemas.GroupType));

        AssertJson("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
              "id": "e9e30dba",
              "displayName": "Tour Guides",
              "meta": { "resourceType": "Group", "created": "2026-01-05T10:00:00Z", "lastModified": "2026-01-05T10:00:00Z" }
            }
            """, result);
    }

    [Fact]
    public void Group_attributes_displayName_leaves_out_members()
    {
        var result = ResourceProjection.Project(Parse(GroupJson), CoreSchemas.GroupType, AttributeSelection.Parse("displayName", null, CoreSchemas.GroupType));

        AssertJson("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "e9e30dba", "displayName": "Tour Guides" }""", result);
    }

    [Fact]
    public void Enterprise_urn_in_attributes_returns_the_whole_extension()
    {
        var result = ProjectUser(Enterprise, null);

        AssertJson("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "id": "2819c223",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "employeeNumber": "701984",
                "department": "Tour Operations",
                "manager": { "value": "26118915", "displayName": "John Smith" }
              }
            }
            """, result);
    }

    [Fact]
    public void Enterprise_attribute_in_attributes_returns_just_that_attribute()
    {
        var result = ProjectUser($"{Enterprise}:department", null);

        AssertJson("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "id": "2819c223",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Tour Operations" }
            }
            """, result);
    }

    [Fact]
    public void Enterprise_sub_attribute_in_attributes_returns_the_manager_with_that_sub_attribute()
    {
        var result = ProjectUser($"{Enterprise}:manager.value,userName", null);

        AssertJson("""{ "manager": { "value": "26118915" } }""", result[Enterprise]);
        AssertJson("\"bjensen\"", result["userName"]);
    }

    [Fact]
    public void Schemas_list_the_extension_only_when_the_output_holds_it()
    {
        var withoutDepartment = Parse(UserJson);
        withoutDepartment[Enterprise]!.AsObject().Remove("department");

        var asked = ResourceProjection.Project(withoutDepartment, CoreSchemas.UserType, AttributeSelection.Parse($"userName,{Enterprise}:department", null, CoreSchemas.UserType));
        var excluded = ProjectUser(null, Enterprise);
        var coreOnly = ProjectUser("displayName", null);

        foreach (var result in new[] { asked, excluded, coreOnly })
        {
            Assert.False(result.ContainsKey(Enterprise));
            Assert.Equal([CoreUser], result["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
        }
    }

    [Fact]
    public void Schemas_follow_the_output_not_the_stored_schemas_list()
    {
        var stored = Parse("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "id": "1",
              "userName": "a",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "x" }
            }
            """);

        var result = ResourceProjection.Project(stored, CoreSchemas.UserType, AttributeSelection.Default);

        Assert.Equal([CoreUser, Enterprise], result["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public void Excluding_one_enterprise_attribute_keeps_the_others()
    {
        var result = ProjectUser(null, $"{Enterprise}:manager");

        AssertJson("""{ "employeeNumber": "701984", "department": "Tour Operations" }""", result[Enterprise]);
    }

    [Theory]
    [InlineData("userName", "displayName")]
    [InlineData("emails", "emails")]
    public void Both_attributes_and_excludedAttributes_is_an_invalidSyntax_error(string attributes, string excluded)
    {
        var error = Assert.Throws<ScimException>(() => AttributeSelection.Parse(attributes, excluded, CoreSchemas.UserType));

        Assert.Equal((400, ScimErrorType.InvalidSyntax), (error.Status, error.ScimType));
    }

    [Theory]
    [InlineData("nosuch", null)]
    [InlineData("userName,nosuch", null)]
    [InlineData("name.nosuch", null)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nosuch", null)]
    [InlineData("urn:example:unknown:2.0:User:title", null)]
    [InlineData(null, "nosuch")]
    [InlineData(null, "members")]
    public void Unknown_attribute_in_the_list_is_an_invalidPath_error(string? attributes, string? excluded)
    {
        var error = Assert.Throws<ScimException>(() => AttributeSelection.Parse(attributes, excluded, CoreSchemas.UserType));

        Assert.Equal((400, ScimErrorType.InvalidPath), (error.Status, error.ScimType));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData(" , ", null)]
    public void Empty_lists_select_the_default_set(string? attributes, string? excluded)
    {
        var selection = AttributeSelection.Parse(attributes, excluded, CoreSchemas.UserType);

        Assert.Empty(selection.Included);
        Assert.Empty(selection.Excluded);
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, "members", false)]
    [InlineData(null, "displayName", true)]
    [InlineData("displayName", null, false)]
    [InlineData("members", null, true)]
    [InlineData("members.value", null, true)]
    [InlineData(null, "members.display", true)]
    public void Wants_tells_whether_members_need_loading(string? attributes, string? excluded, bool expected)
    {
        var selection = AttributeSelection.Parse(attributes, excluded, CoreSchemas.GroupType);

        Assert.Equal(expected, selection.Wants("members"));
    }

    private static JsonObject ProjectUser(string? attributes, string? excluded) =>
        ResourceProjection.Project(Parse(UserJson), CoreSchemas.UserType, AttributeSelection.Parse(attributes, excluded, CoreSchemas.UserType));

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static void AssertJson(string expected, JsonNode? actual) => AssertJson(JsonNode.Parse(expected), actual);

    private static void AssertJson(JsonNode? expected, JsonNode? actual)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Fail($"Expected: {expected?.ToJsonString() ?? "null"}{Environment.NewLine}Actual:   {actual?.ToJsonString() ?? "null"}");
        }
    }
}
