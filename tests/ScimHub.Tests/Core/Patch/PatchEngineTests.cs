using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Patch;
using ScimHub.Core.Schemas;

namespace ScimHub.Tests.Core.Patch;

public sealed class PatchEngineTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>A stored user in canonical form, without the enterprise extension.</summary>
    private const string UserJson = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
          "id": "2819c223",
          "externalId": "bjensen-hr",
          "userName": "bjensen",
          "name": { "givenName": "Barbara", "familyName": "Jensen" },
          "displayName": "Babs Jensen",
          "active": true,
          "emails": [ { "value": "bjensen@example.com", "type": "work", "primary": true } ],
          "meta": { "resourceType": "User", "created": "2026-01-05T10:00:00Z", "lastModified": "2026-01-05T10:00:00Z" }
        }
        """;

    /// <summary>The same user with a home email and the enterprise extension.</summary>
    private const string EnterpriseUserJson = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "id": "2819c223",
          "userName": "bjensen",
          "name": { "givenName": "Barbara", "familyName": "Jensen" },
          "active": true,
          "emails": [
            { "value": "bjensen@example.com", "type": "work", "primary": true },
            { "value": "babs@jensen.org", "type": "home" }
          ],
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "manager": { "value": "26118915" }
          }
        }
        """;

    /// <summary>A user whose only enterprise attribute is the manager.</summary>
    private const string ManagedUserJson = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "id": "2819c223",
          "userName": "bjensen",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "manager": { "value": "26118915" } }
        }
        """;

    private const string GroupJson = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
          "id": "e9e30dba",
          "displayName": "Tour Guides",
          "meta": { "resourceType": "Group", "created": "2026-01-05T10:00:00Z", "lastModified": "2026-01-05T10:00:00Z" }
        }
        """;

    // ---- simple attributes ----

    [Fact]
    public void Replace_with_capitalised_op_and_string_false_deactivates_the_user()
    {
        var result = PatchUser(UserJson, """[{ "op": "Replace", "path": "active", "value": "False" }]""");

        AssertJson("false", result["active"]);
    }

    [Theory]
    [InlineData("\"True\"", true)]
    [InlineData("\"true\"", true)]
    [InlineData("\"FALSE\"", false)]
    [InlineData("\"False\"", false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void String_booleans_from_Entra_and_OneLogin_are_stored_as_real_booleans(string value, bool expected)
    {
        var result = PatchUser(UserJson, $$"""[{ "op": "replace", "path": "active", "value": {{value}} }]""");

        AssertJson(expected ? "true" : "false", result["active"]);
    }

    [Fact]
    public void Boolean_that_is_neither_true_nor_false_is_an_invalidValue_error()
    {
        AssertPatchError(UserJson, """[{ "op": "replace", "path": "active", "value": "maybe" }]""", ScimErrorType.InvalidValue);
    }

    [Fact]
    public void Replace_of_userName_renames_the_user_and_changes_nothing_else()
    {
        var result = PatchUser(UserJson, """[{ "op": "Replace", "path": "userName", "value": "babs" }]""");

        var expected = Parse(UserJson);
        expected["userName"] = "babs";
        AssertJson(expected, result);
    }

    [Fact]
    public void Add_of_an_absent_simple_attribute_sets_it()
    {
        var result = PatchUser(UserJson, """[{ "op": "Add", "path": "title", "value": "Tour Guide" }]""");

        AssertJson("\"Tour Guide\"", result["title"]);
    }

    [Fact]
    public void Attribute_names_in_paths_are_stored_with_the_schema_spelling()
    {
        var result = PatchUser(UserJson, """[{ "op": "add", "path": "NICKNAME", "value": "Babs" }]""");

        Assert.True(result.ContainsKey("nickName"));
        Assert.False(result.ContainsKey("NICKNAME"));
    }

    [Fact]
    public void Remove_of_a_simple_attribute_unassigns_it()
    {
        var result = PatchUser(UserJson, """[{ "op": "remove", "path": "displayName" }]""");

        Assert.False(result.ContainsKey("displayName"));
    }

    [Fact]
    public void Remove_of_an_absent_attribute_is_not_an_error()
    {
        var result = PatchUser(UserJson, """[{ "op": "remove", "path": "title" }]""");

        AssertJson(Parse(UserJson), result);
    }

    [Fact]
    public void Replace_with_null_unassigns_the_attribute()
    {
        var result = PatchUser(UserJson, """[{ "op": "replace", "path": "displayName", "value": null }]""");

        Assert.False(result.ContainsKey("displayName"));
    }

    [Fact]
    public void Replace_with_an_empty_string_stores_the_empty_string_as_sent()
    {
        var result = PatchUser(UserJson, """[{ "op": "replace", "path": "displayName", "value": "" }]""");

        AssertJson("\"\"", result["displayName"]);
    }

    [Fact]
    public void Replace_of_a_string_with_a_number_is_an_invalidValue_error()
    {
        AssertPatchError(UserJson, """[{ "op": "replace", "path": "displayName", "value": 42 }]""", ScimErrorType.InvalidValue);
    }

    // ---- complex attributes ----

    [Fact]
    public void Replace_of_a_sub_attribute_changes_only_that_sub_attribute()
    {
        var result = PatchUser(UserJson, """[{ "op": "Replace", "path": "name.givenName", "value": "Babs" }]""");

        AssertJson("""{ "givenName": "Babs", "familyName": "Jensen" }""", result["name"]);
    }

    [Fact]
    public void Replace_of_a_complex_attribute_merges_the_given_sub_attributes_and_leaves_the_others()
    {
        // RFC 7644 §3.5.2.3: sub-attributes not specified in the value are left unchanged.
        var result = PatchUser(UserJson, """[{ "op": "replace", "path": "name", "value": { "givenName": "Babs", "middleName": "Jane" } }]""");

        AssertJson("""{ "givenName": "Babs", "familyName": "Jensen", "middleName": "Jane" }""", result["name"]);
    }

    [Fact]
    public void Add_of_a_sub_attribute_creates_the_complex_attribute_when_absent()
    {
        var result = PatchUser("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bjensen" }""",
            """[{ "op": "add", "path": "name.familyName", "value": "Jensen" }]""");

        AssertJson("""{ "familyName": "Jensen" }""", result["name"]);
    }

    [Fact]
    public void Remove_of_a_sub_attribute_keeps_the_other_sub_attributes()
    {
        var result = PatchUser(UserJson, """[{ "op": "remove", "path": "name.givenName" }]""");

        AssertJson("""{ "familyName": "Jensen" }""", result["name"]);
    }

    [Fact]
    public void Removing_the_last_sub_attribute_unassigns_the_complex_attribute()
    {
        var result = PatchUser(UserJson, """
            [ { "op": "remove", "path": "name.givenName" }, { "op": "remove", "path": "name.familyName" } ]
            """);

        Assert.False(result.ContainsKey("name"));
    }

    [Fact]
    public void Replace_of_a_complex_attribute_with_a_bare_string_is_an_invalidValue_error_and_does_not_clear_it()
    {
        // name has no "value" sub-attribute, so a string cannot stand for it (RFC 7644 §3.12 invalidValue: the value is not
        // compatible with the attribute type). It must not be taken as "no value" and wipe the stored name.
        AssertPatchError(UserJson, """[{ "op": "replace", "path": "name", "value": "Barbara Jensen" }]""", ScimErrorType.InvalidValue);
    }

    [Fact]
    public void Unknown_sub_attribute_in_a_complex_value_is_rejected()
    {
        var error = Assert.Throws<ScimException>(() =>
            PatchUser(UserJson, """[{ "op": "replace", "path": "name", "value": { "nosuch": "x" } }]"""));

        Assert.Equal(400, error.Status);
        Assert.Contains("nosuch", error.Message, StringComparison.Ordinal);
    }

    // ---- multi-valued attributes ----

    [Fact]
    public void Add_to_a_multi_valued_attribute_appends_the_new_values()
    {
        var result = PatchUser(UserJson, """[{ "op": "Add", "path": "emails", "value": [ { "value": "babs@jensen.org", "type": "home" } ] }]""");

        AssertJson("""
            [
              { "value": "bjensen@example.com", "type": "work", "primary": true },
              { "value": "babs@jensen.org", "type": "home" }
            ]
            """, result["emails"]);
    }

    [Fact]
    public void Add_of_a_value_already_present_does_not_duplicate_it()
    {
        var result = PatchUser(UserJson, """[{ "op": "add", "path": "emails", "value": [ { "value": "bjensen@example.com", "type": "work", "primary": true } ] }]""");

        AssertJson(Parse(UserJson)["emails"], result["emails"]);
    }

    [Fact]
    public void Replace_of_a_multi_valued_attribute_replaces_the_whole_list()
    {
        var result = PatchUser(EnterpriseUserJson, """[{ "op": "replace", "path": "emails", "value": [ { "value": "new@example.com", "type": "work" } ] }]""");

        AssertJson("""[ { "value": "new@example.com", "type": "work" } ]""", result["emails"]);
    }

    [Fact]
    public void Remove_of_a_multi_valued_attribute_without_a_filter_removes_every_value()
    {
        var result = PatchUser(EnterpriseUserJson, """[{ "op": "remove", "path": "emails" }]""");

        Assert.False(result.ContainsKey("emails"));
    }

    [Fact]
    public void Remove_of_a_multi_valued_attribute_with_a_value_list_removes_only_those_values()
    {
        // The shape Entra uses for members, applied to any multi-valued attribute.
        var result = PatchUser(EnterpriseUserJson, """[{ "op": "Remove", "path": "emails", "value": [ { "value": "babs@jensen.org" } ] }]""");

        AssertJson("""[ { "value": "bjensen@example.com", "type": "work", "primary": true } ]""", result["emails"]);
    }

    [Fact]
    public void Bare_string_where_a_list_is_expected_is_taken_as_a_list_of_one()
    {
        var result = PatchUser(UserJson, """[{ "op": "Add", "path": "emails", "value": "babs@jensen.org" }]""");

        AssertJson("""
            [ { "value": "bjensen@example.com", "type": "work", "primary": true }, { "value": "babs@jensen.org" } ]
            """, result["emails"]);
    }

    [Fact]
    public void Single_object_where_a_list_is_expected_is_taken_as_a_list_of_one()
    {
        var result = PatchUser(UserJson, """[{ "op": "replace", "path": "phoneNumbers", "value": { "value": "+1 555 0100", "type": "work" } }]""");

        AssertJson("""[ { "value": "+1 555 0100", "type": "work" } ]""", result["phoneNumbers"]);
    }

    [Fact]
    public void Entra_role_given_as_a_json_string_inside_value_is_stored_as_sent()
    {
        var result = PatchUser(UserJson, """
            [{ "op": "Add", "path": "roles", "value": [ { "value": "{\"id\":\"r1\",\"value\":\"Admin\",\"displayName\":\"Admin\"}" } ] }]
            """);

        AssertJson("""[ { "value": "{\"id\":\"r1\",\"value\":\"Admin\",\"displayName\":\"Admin\"}" } ]""", result["roles"]);
    }

    [Fact]
    public void Add_of_a_primary_value_makes_the_other_values_non_primary()
    {
        // RFC 7644 §3.5.2: a PATCH that sets a value's "primary" to true SHALL cause the server to set "primary" to false
        // for any other values in the array.
        var result = PatchUser(UserJson, """[{ "op": "add", "path": "emails", "value": [ { "value": "babs@jensen.org", "type": "home", "primary": true } ] }]""");

        var emails = Assert.IsType<JsonArray>(result["emails"]);
        var primary = Assert.Single(emails, e => e?["primary"]?.GetValue<bool>() == true);
        AssertJson("\"babs@jensen.org\"", primary!["value"]);
        Assert.Equal(2, emails.Count);
    }

    [Fact]
    public void Replace_of_primary_through_a_filter_moves_the_primary_flag()
    {
        // RFC 7644 §3.5.2, as above: setting primary on the home email demotes the work email.
        var result = PatchUser(EnterpriseUserJson, """[{ "op": "replace", "path": "emails[type eq \"home\"].primary", "value": true }]""");

        AssertJson("""
            [
              { "value": "bjensen@example.com", "type": "work", "primary": false },
              { "value": "babs@jensen.org", "type": "home", "primary": true }
            ]
            """, result["emails"]);
    }

    // ---- value paths (filters) ----

    [Fact]
    public void Replace_through_a_type_filter_changes_the_sub_attribute_of_the_matching_value_only()
    {
        var result = PatchUser(EnterpriseUserJson, """[{ "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "barbara@example.com" }]""");

        AssertJson("""
            [
              { "value": "barbara@example.com", "type": "work", "primary": true },
              { "value": "babs@jensen.org", "type": "home" }
            ]
            """, result["emails"]);
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Replace")]
    [InlineData("add")]
    [InlineData("replace")]
    public void Add_or_replace_through_a_type_filter_creates_the_value_when_none_matches(string op)
    {
        // Entra ID, and Microsoft's validator "Patch User - Add Attributes": a user without a work email gets one.
        var user = """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "bjensen",
              "emails": [ { "value": "babs@jensen.org", "type": "home" } ]
            }
            """;

        var result = PatchUser(user, $$"""[{ "op": "{{op}}", "path": "emails[type eq \"work\"].value", "value": "bjensen@example.com" }]""");

        AssertJson("""
            [ { "value": "babs@jensen.org", "type": "home" }, { "type": "work", "value": "bjensen@example.com" } ]
            """, result["emails"]);
    }

    [Fact]
    public void Replace_through_a_type_filter_creates_the_attribute_when_the_user_has_no_emails()
    {
        var result = PatchUser("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bjensen" }""",
            """[{ "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "bjensen@example.com" }]""");

        AssertJson("""[ { "type": "work", "value": "bjensen@example.com" } ]""", result["emails"]);
    }

    [Fact]
    public void Entra_default_update_replaces_a_filtered_email_and_a_sub_attribute_in_one_request()
    {
        var result = PatchUser(EnterpriseUserJson, """
            [
              { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "barbara@example.com" },
              { "op": "Replace", "path": "name.familyName", "value": "Jensen-Smith" }
            ]
            """);

        AssertJson("""{ "givenName": "Barbara", "familyName": "Jensen-Smith" }""", result["name"]);
        AssertJson("\"barbara@example.com\"", result["emails"]![0]!["value"]);
    }

    [Fact]
    public void Entra_single_app_role_attributes_build_one_primary_role_across_several_operations()
    {
        // Entra's SingleAppRoleAssignment maps roles[primary eq "True"].value/.display/.type (MS-MAP). The filter compares a
        // boolean with the string "True", which Entra sends without aadOptscim062020's fixes; the second operation must find
        // the role the first one created instead of failing.
        var result = PatchUser(UserJson, """
            [
              { "op": "Add", "path": "roles[primary eq \"True\"].value", "value": "Admin" },
              { "op": "Add", "path": "roles[primary eq \"True\"].display", "value": "Administrator" },
              { "op": "Add", "path": "roles[primary eq \"True\"].type", "value": "WindowsAzureActiveDirectoryRole" }
            ]
            """);

        AssertJson("""
            [ { "primary": true, "value": "Admin", "display": "Administrator", "type": "WindowsAzureActiveDirectoryRole" } ]
            """, result["roles"]);
    }

    [Fact]
    public void Remove_with_a_value_filter_removes_only_the_matching_values()
    {
        var result = PatchUser(EnterpriseUserJson, """[{ "op": "remove", "path": "emails[type eq \"home\"]" }]""");

        AssertJson("""[ { "value": "bjensen@example.com", "type": "work", "primary": true } ]""", result["emails"]);
    }

    [Fact]
    public void Remove_with_a_value_filter_matching_every_value_unassigns_the_attribute()
    {
        var result = PatchUser(UserJson, """[{ "op": "Remove", "path": "emails[value ew \"example.com\"]" }]""");

        Assert.False(result.ContainsKey("emails"));
    }

    [Fact]
    public void Remove_with_a_value_filter_matching_nothing_changes_nothing()
    {
        var result = PatchUser(UserJson, """[{ "op": "remove", "path": "emails[type eq \"other\"]" }]""");

        AssertJson(Parse(UserJson), result);
    }

    [Fact]
    public void Remove_of_a_sub_attribute_through_a_filter_keeps_the_rest_of_the_value()
    {
        var result = PatchUser(EnterpriseUserJson, """[{ "op": "remove", "path": "emails[type eq \"work\"].primary" }]""");

        AssertJson("""
            [ { "value": "bjensen@example.com", "type": "work" }, { "value": "babs@jensen.org", "type": "home" } ]
            """, result["emails"]);
    }

    [Fact]
    public void Replace_through_a_filter_that_matches_nothing_and_describes_no_value_is_a_noTarget_error()
    {
        // RFC 7644 §3.5.2.3: a valuePath filter with no match is 400 noTarget; only an equality filter can describe the value
        // to create.
        AssertPatchError(UserJson, """[{ "op": "replace", "path": "emails[value co \"nobody\"].display", "value": "x" }]""", ScimErrorType.NoTarget);
    }

    [Fact]
    public void Value_filter_on_a_single_valued_attribute_is_an_invalidPath_error()
    {
        AssertPatchError(UserJson, """[{ "op": "replace", "path": "name[givenName eq \"Barbara\"].familyName", "value": "x" }]""", ScimErrorType.InvalidPath);
    }

    // ---- path-less add / replace ----

    [Fact]
    public void Okta_path_less_replace_of_active_deactivates_the_user()
    {
        var result = PatchUser(UserJson, """[{ "op": "replace", "value": { "active": false } }]""");

        var expected = Parse(UserJson);
        expected["active"] = false;
        AssertJson(expected, result);
    }

    [Fact]
    public void Entra_path_less_replace_takes_dotted_and_urn_prefixed_keys_as_paths()
    {
        // Entra ID with aadOptscim062020 (MS-KI): one path-less replace whose keys are paths.
        var result = PatchUser(UserJson, """
            [
              { "op": "replace", "path": "emails[type eq \"work\"].value", "value": "barbara@example.com" },
              {
                "op": "replace",
                "value": {
                  "displayName": "Barbara Jensen",
                  "name.givenName": "Babs",
                  "name.familyName": "Jensen-Smith",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "701984"
                }
              }
            ]
            """);

        AssertJson("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "id": "2819c223",
              "externalId": "bjensen-hr",
              "userName": "bjensen",
              "name": { "givenName": "Babs", "familyName": "Jensen-Smith" },
              "displayName": "Barbara Jensen",
              "active": true,
              "emails": [ { "value": "barbara@example.com", "type": "work", "primary": true } ],
              "meta": { "resourceType": "User", "created": "2026-01-05T10:00:00Z", "lastModified": "2026-01-05T10:00:00Z" },
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "employeeNumber": "701984" }
            }
            """, result);
    }

    [Fact]
    public void Path_less_replace_with_an_extension_urn_key_sets_the_attributes_of_that_extension()
    {
        var result = PatchUser(UserJson, """
            [{ "op": "replace", "value": { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Tour Operations", "manager": { "value": "26118915" } } } }]
            """);

        AssertJson("""{ "department": "Tour Operations", "manager": { "value": "26118915" } }""", result[Enterprise]);
        AssertSchemas(result, "urn:ietf:params:scim:schemas:core:2.0:User", Enterprise);
    }

    [Fact]
    public void Path_less_replace_with_an_extension_urn_key_leaves_other_extension_attributes_alone()
    {
        var result = PatchUser(EnterpriseUserJson, """
            [{ "op": "Replace", "value": { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Tour Operations" } } }]
            """);

        AssertJson("""{ "employeeNumber": "701984", "manager": { "value": "26118915" }, "department": "Tour Operations" }""", result[Enterprise]);
    }

    [Fact]
    public void Path_less_extension_urn_key_whose_value_is_not_an_object_is_an_invalidValue_error()
    {
        AssertPatchError(UserJson, """[{ "op": "replace", "value": { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "Sales" } }]""", ScimErrorType.InvalidValue);
    }

    [Fact]
    public void Path_less_replace_of_a_complex_attribute_merges_it()
    {
        var result = PatchUser(UserJson, """[{ "op": "replace", "value": { "name": { "familyName": "Jensen-Smith" } } }]""");

        AssertJson("""{ "givenName": "Barbara", "familyName": "Jensen-Smith" }""", result["name"]);
    }

    [Fact]
    public void Path_less_add_appends_to_multi_valued_attributes()
    {
        var result = PatchUser(UserJson, """[{ "op": "add", "value": { "emails": [ { "value": "babs@jensen.org", "type": "home" } ], "nickName": "Babs" } }]""");

        Assert.Equal(2, result["emails"]!.AsArray().Count);
        AssertJson("\"Babs\"", result["nickName"]);
    }

    [Fact]
    public void Core_attributes_may_be_named_with_the_core_schema_urn_in_a_path_or_a_path_less_key()
    {
        // RFC 7644 §3.10: fully qualified attribute names.
        var result = PatchUser(UserJson, """
            [
              { "op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:userName", "value": "babs" },
              { "op": "replace", "value": { "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName": "Babs" } }
            ]
            """);

        AssertJson("\"babs\"", result["userName"]);
        AssertJson("""{ "givenName": "Babs", "familyName": "Jensen" }""", result["name"]);
        AssertSchemas(result, "urn:ietf:params:scim:schemas:core:2.0:User");
    }

    [Fact]
    public void Path_less_key_naming_an_unknown_attribute_is_an_invalidPath_error()
    {
        AssertPatchError(UserJson, """[{ "op": "replace", "value": { "displayName": "x", "favouriteColour": "blue" } }]""", ScimErrorType.InvalidPath);
    }

    // ---- enterprise extension and manager ----

    [Fact]
    public void Entra_add_of_an_enterprise_attribute_creates_the_extension_and_lists_its_schema()
    {
        var result = PatchUser(UserJson, """
            [
              { "op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Retail" },
              { "op": "Replace", "path": "displayName", "value": "Barbara Jensen" }
            ]
            """);

        AssertJson("""{ "department": "Retail" }""", result[Enterprise]);
        AssertSchemas(result, "urn:ietf:params:scim:schemas:core:2.0:User", Enterprise);
    }

    [Fact]
    public void Enterprise_attribute_path_is_case_insensitive_and_stored_under_the_canonical_urn()
    {
        var result = PatchUser(UserJson, """
            [{ "op": "add", "path": "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:Department", "value": "Retail" }]
            """);

        AssertJson("""{ "department": "Retail" }""", result[Enterprise]);
    }

    [Theory]
    [InlineData("\"m1\"")]
    [InlineData("{ \"value\": \"m1\" }")]
    [InlineData("[ { \"value\": \"m1\" } ]")]
    public void Manager_add_sets_a_single_complex_value_whatever_shape_Entra_sends(string value)
    {
        var result = PatchUser(UserJson, $$"""[{ "op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": {{value}} }]""");

        AssertJson("""{ "manager": { "value": "m1" } }""", result[Enterprise]);
        AssertSchemas(result, "urn:ietf:params:scim:schemas:core:2.0:User", Enterprise);
    }

    [Fact]
    public void Legacy_manager_array_of_one_with_ref_is_stored_as_one_complex_object()
    {
        // MS-TUT example 5: {"op":"Add","path":"manager","value":[{"$ref":"…/Users/<id>","value":"<id>"}]}, here with the URN.
        var result = PatchUser(UserJson, """
            [{ "op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": [ { "$ref": "../Users/m1", "value": "m1" } ] }]
            """);

        AssertJson("""{ "manager": { "$ref": "../Users/m1", "value": "m1" } }""", result[Enterprise]);
    }

    [Fact]
    public void Manager_given_as_a_list_of_two_is_an_invalidValue_error()
    {
        AssertPatchError(UserJson, """
            [{ "op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": [ { "value": "m1" }, { "value": "m2" } ] }]
            """, ScimErrorType.InvalidValue);
    }

    [Theory]
    [InlineData("\"m2\"")]
    [InlineData("{ \"value\": \"m2\" }")]
    public void Manager_replace_changes_the_manager(string value)
    {
        var result = PatchUser(EnterpriseUserJson, $$"""[{ "op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": {{value}} }]""");

        AssertJson("""{ "employeeNumber": "701984", "manager": { "value": "m2" } }""", result[Enterprise]);
    }

    [Fact]
    public void Manager_value_sub_attribute_can_be_replaced_by_path()
    {
        var result = PatchUser(EnterpriseUserJson, """[{ "op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "value": "m2" }]""");

        AssertJson("""{ "employeeNumber": "701984", "manager": { "value": "m2" } }""", result[Enterprise]);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("null")]
    public void Manager_replace_with_an_empty_value_clears_it(string value)
    {
        var result = PatchUser(EnterpriseUserJson, $$"""[{ "op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": {{value}} }]""");

        AssertJson("""{ "employeeNumber": "701984" }""", result[Enterprise]);
        AssertSchemas(result, "urn:ietf:params:scim:schemas:core:2.0:User", Enterprise);
    }

    [Fact]
    public void Clearing_the_only_enterprise_attribute_removes_the_extension_and_its_schema()
    {
        var result = PatchUser(ManagedUserJson, """[{ "op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "" }]""");

        AssertJson("""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "2819c223", "userName": "bjensen" }
            """, result);
    }

    [Fact]
    public void Manager_remove_removes_it_and_the_extension_when_nothing_else_is_left()
    {
        var result = PatchUser(ManagedUserJson, """[{ "op": "remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager" }]""");

        Assert.False(result.ContainsKey(Enterprise));
        AssertSchemas(result, "urn:ietf:params:scim:schemas:core:2.0:User");
    }

    [Fact]
    public void Remove_of_an_enterprise_attribute_on_a_user_without_the_extension_changes_nothing()
    {
        var result = PatchUser(UserJson, """[{ "op": "remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department" }]""");

        AssertJson(Parse(UserJson), result);
    }

    [Fact]
    public void Schemas_stay_first_in_the_patched_resource()
    {
        var result = PatchUser(UserJson, """[{ "op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter", "value": "4130" }]""");

        Assert.Equal("schemas", result.First().Key);
    }

    // ---- mutability and paths ----

    [Theory]
    [InlineData("""{ "op": "replace", "path": "id", "value": "other" }""")]
    [InlineData("""{ "op": "Remove", "path": "id" }""")]
    [InlineData("""{ "op": "add", "path": "groups", "value": [ { "value": "g1" } ] }""")]
    [InlineData("""{ "op": "replace", "path": "meta.created", "value": "2020-01-01T00:00:00Z" }""")]
    [InlineData("""{ "op": "replace", "path": "meta", "value": { "created": "2020-01-01T00:00:00Z" } }""")]
    [InlineData("""{ "op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName", "value": "Boss" }""")]
    [InlineData("""{ "op": "replace", "value": { "groups": [ { "value": "g1" } ] } }""")]
    public void Change_of_a_read_only_attribute_is_a_mutability_error(string operation)
    {
        AssertPatchError(UserJson, $"[{operation}]", ScimErrorType.Mutability);
    }

    [Fact]
    public void Okta_path_less_replace_with_the_id_ignores_the_id()
    {
        var result = PatchUser(UserJson, """[{ "op": "replace", "value": { "id": "something-else", "displayName": "Barbara Jensen" } }]""");

        AssertJson("\"2819c223\"", result["id"]);
        AssertJson("\"Barbara Jensen\"", result["displayName"]);
    }

    [Theory]
    [InlineData("nosuch")]
    [InlineData("name.nosuch")]
    [InlineData("emails[type eq \"work\"].nosuch")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nosuch")]
    [InlineData("urn:example:unknown:2.0:User:title")]
    public void Unknown_attribute_path_is_an_invalidPath_error(string path)
    {
        AssertPatchError(UserJson, $$"""[{ "op": "replace", "path": "{{path.Replace("\"", "\\\"", StringComparison.Ordinal)}}", "value": "x" }]""", ScimErrorType.InvalidPath);
    }

    [Fact]
    public void Malformed_path_is_an_invalidPath_error()
    {
        AssertPatchError(UserJson, """[{ "op": "replace", "path": "emails[type eq \"work\"", "value": "x" }]""", ScimErrorType.InvalidPath);
    }

    [Fact]
    public void Enterprise_attribute_on_a_group_is_an_invalidPath_error()
    {
        var error = Assert.Throws<ScimException>(() => PatchGroup(GroupJson,
            """[{ "op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "x" }]"""));

        Assert.Equal((400, ScimErrorType.InvalidPath), (error.Status, error.ScimType));
    }

    [Theory]
    [InlineData("""{ "op": "remove", "path": "userName" }""")]
    [InlineData("""{ "op": "Replace", "path": "userName", "value": null }""")]
    [InlineData("""{ "op": "replace", "value": { "userName": null } }""")]
    public void Removing_the_required_userName_is_an_invalidValue_error(string operation)
    {
        var error = AssertPatchError(UserJson, $"[{operation}]", ScimErrorType.InvalidValue);

        Assert.Contains("userName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replacing_userName_with_an_empty_string_is_an_invalidValue_error()
    {
        // RFC 7643 §4.1.1: "Each User MUST include a non-empty userName value."
        AssertPatchError(UserJson, """[{ "op": "replace", "path": "userName", "value": "" }]""", ScimErrorType.InvalidValue);
    }

    [Fact]
    public void Removing_the_required_group_displayName_is_an_invalidValue_error()
    {
        var error = Assert.Throws<ScimException>(() => PatchGroup(GroupJson, """[{ "op": "remove", "path": "displayName" }]"""));

        Assert.Equal((400, ScimErrorType.InvalidValue), (error.Status, error.ScimType));
    }

    // ---- atomicity ----

    [Fact]
    public void Request_whose_second_operation_fails_leaves_the_input_unchanged()
    {
        var user = Parse(EnterpriseUserJson);
        var before = user.DeepClone();
        var operations = Operations("""
            [
              { "op": "replace", "path": "displayName", "value": "Changed" },
              { "op": "remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager" },
              { "op": "replace", "path": "id", "value": "other" }
            ]
            """);

        var error = Assert.Throws<ScimException>(() => PatchEngine.Apply(user, CoreSchemas.UserType, operations));

        Assert.Equal(ScimErrorType.Mutability, error.ScimType);
        AssertJson(before, user);
    }

    [Fact]
    public void Request_failing_the_required_check_after_all_operations_leaves_the_input_unchanged()
    {
        var user = Parse(UserJson);
        var before = user.DeepClone();
        var operations = Operations("""[{ "op": "replace", "path": "title", "value": "Guide" }, { "op": "remove", "path": "userName" }]""");

        Assert.Throws<ScimException>(() => PatchEngine.Apply(user, CoreSchemas.UserType, operations));

        AssertJson(before, user);
    }

    [Fact]
    public void Successful_request_returns_a_new_object_and_leaves_the_input_unchanged()
    {
        var user = Parse(UserJson);
        var before = user.DeepClone();

        var result = PatchEngine.Apply(user, CoreSchemas.UserType, Operations("""[{ "op": "replace", "path": "name.givenName", "value": "Babs" }]"""));

        Assert.NotSame(user, result.Resource);
        AssertJson(before, user);
        AssertJson("\"Babs\"", result.Resource["name"]!["givenName"]);
    }

    [Fact]
    public void Operations_apply_in_order()
    {
        var result = PatchUser(UserJson, """
            [
              { "op": "add", "path": "title", "value": "First" },
              { "op": "remove", "path": "title" },
              { "op": "add", "path": "title", "value": "Second" }
            ]
            """);

        AssertJson("\"Second\"", result["title"]);
    }

    // ---- password ----

    [Theory]
    [InlineData("""{ "op": "replace", "path": "password", "value": "t1meMachine!" }""")]
    [InlineData("""{ "op": "Add", "path": "password", "value": "t1meMachine!" }""")]
    [InlineData("""{ "op": "remove", "path": "password" }""")]
    [InlineData("""{ "op": "replace", "value": { "password": "t1meMachine!" } }""")]
    public void Password_operations_are_accepted_and_nothing_is_stored(string operation)
    {
        var result = PatchEngine.Apply(Parse(UserJson), CoreSchemas.UserType, Operations($"[{operation}]"));

        AssertJson(Parse(UserJson), result.Resource);
        Assert.Empty(result.MembershipChanges);
    }

    [Fact]
    public void Okta_password_change_alongside_another_attribute_stores_only_the_other_attribute()
    {
        var result = PatchUser(UserJson, """[{ "op": "replace", "value": { "password": "t1meMachine!", "active": false } }]""");

        Assert.False(result.ContainsKey("password"));
        AssertJson("false", result["active"]);
    }

    [Fact]
    public void User_patch_produces_no_membership_changes()
    {
        var result = PatchEngine.Apply(Parse(UserJson), CoreSchemas.UserType, Operations("""[{ "op": "replace", "path": "title", "value": "x" }]"""));

        Assert.Empty(result.MembershipChanges);
    }

    // ---- group members ----

    [Fact]
    public void Entra_add_of_many_members_is_one_add_change_and_leaves_the_group_json_alone()
    {
        var result = PatchGroup(GroupJson, """
            [{ "op": "Add", "path": "members", "value": [ { "$ref": null, "value": "u1" }, { "$ref": null, "value": "u2" }, { "value": "u3" } ] }]
            """);

        AssertChanges(result, (MembershipChangeKind.Add, ["u1", "u2", "u3"]));
        AssertJson(Parse(GroupJson), result.Resource);
    }

    [Fact]
    public void Entra_default_remove_with_a_value_list_removes_only_those_members()
    {
        // MS-KI: without aadOptscim062020 Entra sends Remove + path members + the members to remove as value. An RFC-literal
        // reading (remove all members) would empty the group.
        var result = PatchGroup(GroupJson, """[{ "op": "Remove", "path": "members", "value": [ { "value": "u1" } ] }]""");

        AssertChanges(result, (MembershipChangeKind.Remove, ["u1"]));
        AssertJson(Parse(GroupJson), result.Resource);
    }

    [Fact]
    public void Remove_of_members_without_a_value_removes_every_member()
    {
        var result = PatchGroup(GroupJson, """[{ "op": "remove", "path": "members" }]""");

        AssertChanges(result, (MembershipChangeKind.RemoveAll, []));
    }

    [Fact]
    public void Replace_of_members_replaces_the_whole_membership()
    {
        var result = PatchGroup(GroupJson, """[{ "op": "replace", "path": "members", "value": [ { "value": "u1" }, { "value": "u2" } ] }]""");

        AssertChanges(result, (MembershipChangeKind.ReplaceAll, ["u1", "u2"]));
        AssertJson(Parse(GroupJson), result.Resource);
    }

    [Fact]
    public void Replace_of_members_with_an_empty_list_empties_the_group()
    {
        var result = PatchGroup(GroupJson, """[{ "op": "replace", "path": "members", "value": [] }]""");

        AssertChanges(result, (MembershipChangeKind.ReplaceAll, []));
    }

    [Theory]
    [InlineData("members[value eq \\\"u1\\\"]", new[] { "u1" })]
    [InlineData("Members[Value EQ \\\"u1\\\"]", new[] { "u1" })]
    [InlineData("members[value eq \\\"u1\\\" or value eq \\\"u2\\\"]", new[] { "u1", "u2" })]
    [InlineData("members[value eq \\\"u1\\\" or value eq \\\"u2\\\" or value eq \\\"u3\\\"]", new[] { "u1", "u2", "u3" })]
    public void Remove_with_a_member_value_filter_removes_those_members(string path, string[] ids)
    {
        var result = PatchGroup(GroupJson, $$"""[{ "op": "remove", "path": "{{path}}" }]""");

        AssertChanges(result, (MembershipChangeKind.Remove, ids));
        AssertJson(Parse(GroupJson), result.Resource);
    }

    [Theory]
    [InlineData("members[display eq \\\"Babs\\\"]")]
    [InlineData("members[value ne \\\"u1\\\"]")]
    [InlineData("members[value sw \\\"u\\\"]")]
    [InlineData("members[value pr]")]
    [InlineData("members[value eq \\\"u1\\\" and type eq \\\"User\\\"]")]
    [InlineData("members[not (value eq \\\"u1\\\")]")]
    public void Remove_with_any_other_member_filter_is_an_invalidFilter_error(string path)
    {
        var error = Assert.Throws<ScimException>(() => PatchGroup(GroupJson, $$"""[{ "op": "remove", "path": "{{path}}" }]"""));

        Assert.Equal((400, ScimErrorType.InvalidFilter), (error.Status, error.ScimType));
    }

    [Theory]
    [InlineData("[ { \"display\": \"Babs\" } ]")]
    [InlineData("[ { \"value\": \"u1\" }, { \"$ref\": \"../Users/u2\" } ]")]
    [InlineData("[ { \"value\": \"\" } ]")]
    [InlineData("[ { \"value\": 42 } ]")]
    [InlineData("[ null ]")]
    public void Member_without_a_value_is_an_invalidValue_error(string members)
    {
        var error = Assert.Throws<ScimException>(() => PatchGroup(GroupJson, $$"""[{ "op": "add", "path": "members", "value": {{members}} }]"""));

        Assert.Equal((400, ScimErrorType.InvalidValue), (error.Status, error.ScimType));
    }

    [Fact]
    public void Bare_string_member_ids_are_accepted()
    {
        var result = PatchGroup(GroupJson, """
            [ { "op": "add", "path": "members", "value": [ "u1", "u2" ] }, { "op": "remove", "path": "members", "value": "u3" } ]
            """);

        AssertChanges(result, (MembershipChangeKind.Add, ["u1", "u2"]), (MembershipChangeKind.Remove, ["u3"]));
    }

    [Fact]
    public void Member_keys_are_read_case_insensitively()
    {
        var result = PatchGroup(GroupJson, """[{ "op": "add", "path": "members", "value": [ { "Value": "u1" } ] }]""");

        AssertChanges(result, (MembershipChangeKind.Add, ["u1"]));
    }

    [Fact]
    public void Okta_mixed_membership_request_yields_the_changes_in_order()
    {
        var result = PatchGroup(GroupJson, """
            [
              { "op": "remove", "path": "members[value eq \"u1\"]" },
              { "op": "add", "path": "members", "value": [ { "value": "u2", "display": "Babs" }, { "value": "u3" } ] }
            ]
            """);

        AssertChanges(result, (MembershipChangeKind.Remove, ["u1"]), (MembershipChangeKind.Add, ["u2", "u3"]));
    }

    [Fact]
    public void Okta_path_less_rename_with_the_id_changes_only_the_display_name()
    {
        var result = PatchGroup(GroupJson, """[{ "op": "replace", "value": { "id": "e9e30dba", "displayName": "Tour Leaders" } }]""");

        var expected = Parse(GroupJson);
        expected["displayName"] = "Tour Leaders";
        AssertJson(expected, result.Resource);
        Assert.Empty(result.MembershipChanges);
    }

    [Fact]
    public void Path_less_add_of_members_is_a_membership_change()
    {
        var result = PatchGroup(GroupJson, """[{ "op": "add", "value": { "members": [ { "value": "u1" } ] } }]""");

        AssertChanges(result, (MembershipChangeKind.Add, ["u1"]));
        AssertJson(Parse(GroupJson), result.Resource);
    }

    [Fact]
    public void Add_through_a_member_filter_is_an_invalidPath_error()
    {
        var error = Assert.Throws<ScimException>(() => PatchGroup(GroupJson, """[{ "op": "add", "path": "members[value eq \"u1\"]", "value": [ { "value": "u1" } ] }]"""));

        Assert.Equal((400, ScimErrorType.InvalidPath), (error.Status, error.ScimType));
    }

    [Fact]
    public void Group_request_whose_later_operation_fails_reports_the_error_and_leaves_the_input_unchanged()
    {
        var group = Parse(GroupJson);
        var before = group.DeepClone();
        var operations = Operations("""
            [ { "op": "replace", "path": "displayName", "value": "Renamed" }, { "op": "add", "path": "members", "value": [ { "display": "x" } ] } ]
            """);

        Assert.Throws<ScimException>(() => PatchEngine.Apply(group, CoreSchemas.GroupType, operations));

        AssertJson(before, group);
    }

    // ---- helpers ----

    private static JsonObject PatchUser(string resource, string operations) =>
        PatchEngine.Apply(Parse(resource), CoreSchemas.UserType, Operations(operations)).Resource;

    private static PatchResult PatchGroup(string resource, string operations) =>
        PatchEngine.Apply(Parse(resource), CoreSchemas.GroupType, Operations(operations));

    private static ScimException AssertPatchError(string resource, string operations, string scimType)
    {
        var error = Assert.Throws<ScimException>(() => PatchUser(resource, operations));
        Assert.Equal((400, scimType), (error.Status, error.ScimType));
        return error;
    }

    private static IReadOnlyList<PatchOperation> Operations(string operations) =>
        PatchRequest.Parse(Parse($$"""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": {{operations}} }"""));

    private static void AssertChanges(PatchResult result, params (MembershipChangeKind Kind, string[] Ids)[] expected)
    {
        var actual = result.MembershipChanges.Select(c => (c.Kind, string.Join(",", c.MemberIds))).ToList();
        Assert.Equal(expected.Select(e => (e.Kind, string.Join(",", e.Ids))).ToList(), actual);
    }

    private static void AssertSchemas(JsonObject resource, params string[] schemas)
    {
        Assert.Equal(schemas, resource["schemas"]!.AsArray().Select(s => s!.GetValue<string>()).ToArray());
    }

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
