using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Resources;
using ScimHub.Core.Schemas;

namespace ScimHub.Tests.Core.Resources;

public sealed class ResourceReaderTests
{
    private const string CoreUser = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Fact]
    public void Entra_create_body_is_read_into_canonical_form()
    {
        // MS-TUT request 3, with the explicit nulls and empty roles of the older sample.
        var result = ReadUser("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
              "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
              "active": true,
              "addresses": null,
              "displayName": "Test User",
              "emails": [ { "primary": true, "type": "work", "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" } ],
              "meta": { "resourceType": "User" },
              "name": { "formatted": "Test User", "familyName": "User", "givenName": "Test" },
              "phoneNumbers": null,
              "roles": [],
              "title": null,
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": null, "manager": null }
            }
            """);

        AssertJson("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
              "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
              "active": true,
              "displayName": "Test User",
              "emails": [ { "primary": true, "type": "work", "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" } ],
              "name": { "formatted": "Test User", "familyName": "User", "givenName": "Test" }
            }
            """, result);
    }

    [Fact]
    public void Okta_create_body_drops_groups_and_password()
    {
        var result = ReadUser("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "isabella@example.com",
              "name": { "givenName": "Isabella", "familyName": "Brown" },
              "emails": [ { "primary": true, "value": "isabella@example.com", "type": "work" } ],
              "displayName": "Isabella Brown",
              "locale": "en-US",
              "externalId": "00ujl29u0le5T6Aj10h7",
              "groups": [],
              "password": "1mz050nq",
              "active": true
            }
            """);

        AssertJson("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "isabella@example.com",
              "name": { "givenName": "Isabella", "familyName": "Brown" },
              "emails": [ { "primary": true, "value": "isabella@example.com", "type": "work" } ],
              "displayName": "Isabella Brown",
              "locale": "en-US",
              "externalId": "00ujl29u0le5T6Aj10h7",
              "active": true
            }
            """, result);
    }

    [Fact]
    public void Attribute_names_in_any_capitalisation_are_stored_with_the_schema_spelling()
    {
        var result = ReadUser("""
            {
              "Schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "UserName": "bjensen",
              "NAME": { "GIVENNAME": "Barbara", "familyname": "Jensen" },
              "Emails": [ { "Value": "bjensen@example.com", "TYPE": "work", "Primary": true } ],
              "ExternalID": "bjensen-hr",
              "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": { "Department": "Tour Operations", "MANAGER": { "VALUE": "26118915" } }
            }
            """);

        AssertJson("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "userName": "bjensen",
              "name": { "givenName": "Barbara", "familyName": "Jensen" },
              "emails": [ { "value": "bjensen@example.com", "type": "work", "primary": true } ],
              "externalId": "bjensen-hr",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Tour Operations", "manager": { "value": "26118915" } }
            }
            """, result);
    }

    [Fact]
    public void Schemas_are_rebuilt_with_the_core_schema_first()
    {
        var result = ReadUser("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "bjensen",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "employeeNumber": "701984" }
            }
            """);

        Assert.Equal("schemas", result.First().Key);
        AssertSchemas(result, CoreUser, Enterprise);
    }

    [Fact]
    public void Extension_listed_in_schemas_without_attributes_is_not_kept_in_schemas()
    {
        var result = ReadUser("""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"], "userName": "bjensen" }
            """);

        AssertSchemas(result, CoreUser);
    }

    [Fact]
    public void Extension_whose_attributes_are_all_null_is_dropped_with_its_schema()
    {
        var result = ReadUser("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "userName": "bjensen",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": null, "manager": { "value": null } }
            }
            """);

        AssertJson("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bjensen" }""", result);
    }

    [Fact]
    public void Extension_object_present_but_absent_from_schemas_is_accepted_and_schemas_gains_it()
    {
        // MS-MAP: Entra omits extension URNs from "schemas" while sending the extension's attributes.
        var result = ReadUser("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
              "userName": "bjensen",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "employeeNumber": "701984" }
            }
            """);

        AssertSchemas(result, CoreUser, Enterprise);
        AssertJson("""{ "employeeNumber": "701984" }""", result[Enterprise]);
    }

    [Fact]
    public void Unknown_schema_urns_in_schemas_are_tolerated()
    {
        // Entra's older create sample lists a malformed enterprise URN ("…enterprise:2.0User").
        var result = ReadUser("""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0User"], "userName": "bjensen" }
            """);

        AssertSchemas(result, CoreUser);
    }

    [Fact]
    public void Entra_group_create_with_its_microsoft_schema_is_read()
    {
        var result = ResourceReader.Read(Parse("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
              "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
              "displayName": "displayName",
              "meta": { "resourceType": "Group" }
            }
            """), CoreSchemas.GroupType);

        AssertJson("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
              "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
              "displayName": "displayName"
            }
            """, result);
    }

    [Fact]
    public void Group_members_are_read_as_a_list_of_member_values()
    {
        var result = ResourceReader.Read(Parse("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
              "displayName": "Tour Guides",
              "members": [ { "value": "u1", "display": "Babs" }, "u2" ]
            }
            """), CoreSchemas.GroupType);

        AssertJson("""[ { "value": "u1" }, { "value": "u2" } ]""", result["members"]);
    }

    [Theory]
    [InlineData("""{ "userName": "bjensen" }""", ScimErrorType.InvalidSyntax)]
    [InlineData("""{ "schemas": null, "userName": "bjensen" }""", ScimErrorType.InvalidSyntax)]
    [InlineData("""{ "schemas": "urn:ietf:params:scim:schemas:core:2.0:User", "userName": "bjensen" }""", ScimErrorType.InvalidSyntax)]
    [InlineData("""{ "schemas": [42], "userName": "bjensen" }""", ScimErrorType.InvalidSyntax)]
    [InlineData("""{ "schemas": [], "userName": "bjensen" }""", ScimErrorType.InvalidValue)]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"], "userName": "bjensen" }""", ScimErrorType.InvalidValue)]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "userName": "bjensen" }""", ScimErrorType.InvalidValue)]
    public void Body_without_the_resource_schema_in_schemas_is_rejected(string json, string scimType)
    {
        // A body whose structure is wrong ("schemas" missing or not a list of strings) is invalidSyntax; a well-formed
        // "schemas" that does not name the resource's schema is invalidValue ("not compatible with ... resource schema").
        var error = AssertError(json, scimType);

        Assert.Contains(CoreUser, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Core_schema_urn_in_schemas_is_matched_case_insensitively()
    {
        var result = ReadUser("""{ "schemas": ["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"], "userName": "bjensen" }""");

        AssertSchemas(result, CoreUser);
    }

    [Theory]
    [InlineData("favouriteColour", "\"blue\"")]
    [InlineData("members", "[]")]
    [InlineData("emailAddress", "\"b@example.com\"")]
    public void Unknown_attribute_is_an_invalidSyntax_error_naming_it(string name, string value)
    {
        var error = AssertError($$"""{ "schemas": ["{{CoreUser}}"], "userName": "bjensen", "{{name}}": {{value}} }""", ScimErrorType.InvalidSyntax);

        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_sub_attribute_is_an_invalidSyntax_error_naming_it()
    {
        var error = AssertError($$"""{ "schemas": ["{{CoreUser}}"], "userName": "bjensen", "name": { "nickname": "Babs" } }""", ScimErrorType.InvalidSyntax);

        Assert.Contains("name.nickname", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:Group")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0User")]
    public void Unknown_urn_key_is_an_invalidSyntax_error_naming_it(string urn)
    {
        var error = AssertError($$"""{ "schemas": ["{{CoreUser}}"], "userName": "bjensen", "{{urn}}": { "department": "x" } }""", ScimErrorType.InvalidSyntax);

        Assert.Contains(urn, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enterprise_extension_on_a_group_is_rejected()
    {
        var error = Assert.Throws<ScimException>(() => ResourceReader.Read(Parse($$"""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "x", "{{Enterprise}}": { "department": "x" } }
            """), CoreSchemas.GroupType));

        Assert.Equal(400, error.Status);
    }

    [Fact]
    public void Unknown_attribute_inside_the_extension_is_rejected()
    {
        var error = AssertError($$"""{ "schemas": ["{{CoreUser}}"], "userName": "bjensen", "{{Enterprise}}": { "costCentre": "x" } }""", ScimErrorType.InvalidSyntax);

        Assert.Contains("costCentre", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"userName\": 42")]
    [InlineData("\"userName\": true")]
    [InlineData("\"userName\": [\"bjensen\"]")]
    [InlineData("\"userName\": { \"value\": \"bjensen\" }")]
    [InlineData("\"active\": \"maybe\"")]
    [InlineData("\"active\": 1")]
    [InlineData("\"active\": \"yes\"")]
    [InlineData("\"displayName\": 3.5")]
    [InlineData("\"name\": [ { \"givenName\": \"Barbara\" }, { \"givenName\": \"Babs\" } ]")]
    [InlineData("\"name\": \"Barbara Jensen\"")]
    [InlineData("\"name\": { \"givenName\": 7 }")]
    [InlineData("\"emails\": [ { \"value\": 42 } ]")]
    [InlineData("\"emails\": [ { \"value\": \"b@example.com\", \"primary\": \"sometimes\" } ]")]
    [InlineData("\"emails\": [ [ \"b@example.com\" ] ]")]
    [InlineData("\"x509Certificates\": [ { \"value\": \"not base64!\" } ]")]
    [InlineData("\"profileUrl\": 12")]
    public void Value_of_the_wrong_type_is_an_invalidValue_error(string member)
    {
        var userName = member.StartsWith("\"userName\"", StringComparison.Ordinal) ? "" : "\"userName\": \"bjensen\", ";

        AssertError($$"""{ "schemas": ["{{CoreUser}}"], {{userName}}{{member}} }""", ScimErrorType.InvalidValue);
    }

    [Theory]
    [InlineData("\"name\": { \"givenName\": 7 }", "'name.givenName'")]
    [InlineData("\"emails\": [ { \"value\": 42 } ]", "'emails.value'")]
    [InlineData("\"addresses\": [ { \"postalCode\": [\"9\"] } ]", "'addresses.postalCode'")]
    [InlineData("\"" + Enterprise + "\": { \"manager\": { \"value\": 5 } }", "'" + Enterprise + ".manager.value'")]
    public void A_wrong_value_is_named_by_its_path(string member, string path)
    {
        var error = AssertError($$"""{ "schemas": ["{{CoreUser}}"], "userName": "bjensen", {{member}} }""", ScimErrorType.InvalidValue);

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"True\"", true)]
    [InlineData("\"true\"", true)]
    [InlineData("\"false\"", false)]
    [InlineData("\"FALSE\"", false)]
    [InlineData("\" True \"", true)]
    public void Boolean_strings_are_read_as_booleans(string active, bool expected)
    {
        var result = ReadUser($$"""{ "schemas": ["{{CoreUser}}"], "userName": "bjensen", "active": {{active}}, "emails": [ { "value": "b@example.com", "primary": {{active}} } ] }""");

        AssertJson(expected ? "true" : "false", result["active"]);
        AssertJson(expected ? "true" : "false", result["emails"]![0]!["primary"]);
    }

    [Fact]
    public void Id_meta_and_groups_are_ignored_on_input()
    {
        var result = ReadUser($$"""
            {
              "schemas": ["{{CoreUser}}"],
              "id": "client-chosen",
              "userName": "bjensen",
              "meta": { "resourceType": "User", "created": "2001-01-01T00:00:00Z", "version": "W/\"1\"" },
              "groups": [ { "value": "g1", "display": "Admins" } ]
            }
            """);

        AssertJson($$"""{ "schemas": ["{{CoreUser}}"], "userName": "bjensen" }""", result);
    }

    [Fact]
    public void Password_is_never_in_the_output()
    {
        var result = ReadUser($$"""{ "schemas": ["{{CoreUser}}"], "userName": "bjensen", "Password": "t1meMachine!" }""");

        AssertJson($$"""{ "schemas": ["{{CoreUser}}"], "userName": "bjensen" }""", result);
    }

    [Fact]
    public void Read_only_sub_attributes_are_dropped()
    {
        var result = ReadUser($$"""
            { "schemas": ["{{CoreUser}}"], "userName": "bjensen", "{{Enterprise}}": { "manager": { "value": "m1", "displayName": "John Smith" } } }
            """);

        AssertJson("""{ "manager": { "value": "m1" } }""", result[Enterprise]);
    }

    [Theory]
    [InlineData("[ { \"value\": \"a@example.com\", \"primary\": true }, { \"value\": \"b@example.com\", \"primary\": true } ]")]
    [InlineData("[ { \"value\": \"a@example.com\", \"primary\": \"True\" }, { \"value\": \"b@example.com\", \"primary\": \"true\" } ]")]
    public void Two_primary_emails_are_an_invalidValue_error(string emails)
    {
        var error = AssertError($$"""{ "schemas": ["{{CoreUser}}"], "userName": "bjensen", "emails": {{emails}} }""", ScimErrorType.InvalidValue);

        Assert.Contains("emails", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_primary_among_several_emails_is_accepted()
    {
        var result = ReadUser($$"""
            { "schemas": ["{{CoreUser}}"], "userName": "bjensen", "emails": [ { "value": "a@example.com", "primary": true }, { "value": "b@example.com", "primary": false } ] }
            """);

        Assert.Equal(2, result["emails"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("\"userName\": \"bjensen\", \"UserName\": \"babs\"")]
    [InlineData("\"userName\": \"bjensen\", \"name\": { \"givenName\": \"Barbara\", \"GivenName\": \"Babs\" }")]
    [InlineData("\"userName\": \"bjensen\", \"title\": \"a\", \"TITLE\": null, \"Title\": \"b\"")]
    [InlineData("""
        "userName": "bjensen",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "a" },
        "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": { "division": "b" }
        """)]
    public void Keys_differing_only_in_case_are_an_invalidSyntax_error(string members)
    {
        AssertError($$"""{ "schemas": ["{{CoreUser}}"], {{members}} }""", ScimErrorType.InvalidSyntax);
    }

    [Fact]
    public void Null_values_empty_lists_and_empty_complex_values_are_dropped()
    {
        var result = ReadUser($$"""
            {
              "schemas": ["{{CoreUser}}"],
              "userName": "bjensen",
              "displayName": null,
              "name": { "givenName": null },
              "emails": [],
              "phoneNumbers": [ null ],
              "addresses": [ { "type": null } ],
              "roles": null,
              "ims": [ { "value": "babs@foo.com", "display": null } ]
            }
            """);

        AssertJson($$"""
            { "schemas": ["{{CoreUser}}"], "userName": "bjensen", "ims": [ { "value": "babs@foo.com" } ] }
            """, result);
    }

    [Fact]
    public void Empty_strings_of_simple_attributes_are_stored_as_sent()
    {
        var result = ReadUser($$"""{ "schemas": ["{{CoreUser}}"], "userName": "bjensen", "nickName": "" }""");

        AssertJson("\"\"", result["nickName"]);
    }

    [Fact]
    public void Bare_value_where_a_list_is_expected_is_taken_as_a_list_of_one()
    {
        var result = ReadUser($$"""
            { "schemas": ["{{CoreUser}}"], "userName": "bjensen", "emails": { "value": "b@example.com", "type": "work" }, "roles": "Admin" }
            """);

        AssertJson("""[ { "value": "b@example.com", "type": "work" } ]""", result["emails"]);
        AssertJson("""[ { "value": "Admin" } ]""", result["roles"]);
    }

    [Fact]
    public void Manager_as_a_bare_id_or_a_list_of_one_is_stored_as_one_complex_value()
    {
        var fromId = ReadUser($$"""{ "schemas": ["{{CoreUser}}"], "userName": "a", "{{Enterprise}}": { "manager": "m1" } }""");
        var fromList = ReadUser($$"""{ "schemas": ["{{CoreUser}}"], "userName": "a", "{{Enterprise}}": { "manager": [ { "value": "m1" } ] } }""");

        AssertJson("""{ "manager": { "value": "m1" } }""", fromId[Enterprise]);
        AssertJson("""{ "manager": { "value": "m1" } }""", fromList[Enterprise]);
    }

    [Theory]
    [InlineData("")]
    [InlineData(", \"userName\": null")]
    [InlineData(", \"USERNAME\": null")]
    public void Missing_userName_is_an_invalidValue_error(string member)
    {
        var error = AssertError($$"""{ "schemas": ["{{CoreUser}}"], "displayName": "Babs"{{member}} }""", ScimErrorType.InvalidValue);

        Assert.Contains("userName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_userName_is_an_invalidValue_error()
    {
        // RFC 7643 §4.1.1: "Each User MUST include a non-empty userName value."
        AssertError($$"""{ "schemas": ["{{CoreUser}}"], "userName": "" }""", ScimErrorType.InvalidValue);
    }

    [Fact]
    public void Missing_group_displayName_is_an_invalidValue_error()
    {
        var error = Assert.Throws<ScimException>(() => ResourceReader.Read(Parse("""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "members": [] }
            """), CoreSchemas.GroupType));

        Assert.Equal((400, ScimErrorType.InvalidValue), (error.Status, error.ScimType));
    }

    [Fact]
    public void Values_are_stored_as_sent()
    {
        var result = ReadUser($$"""
            {
              "schemas": ["{{CoreUser}}"],
              "userName": "BJensen@Example.COM",
              "phoneNumbers": [ { "value": "+1 (555) 555-0100", "type": "work" } ],
              "timezone": "America/Los_Angeles"
            }
            """);

        AssertJson("\"BJensen@Example.COM\"", result["userName"]);
        AssertJson("""[ { "value": "+1 (555) 555-0100", "type": "work" } ]""", result["phoneNumbers"]);
    }

    [Fact]
    public void Reading_does_not_change_the_body()
    {
        var body = Parse($$"""{ "schemas": ["{{CoreUser}}"], "UserName": "bjensen", "active": "True", "password": "x" }""");
        var before = body.DeepClone();

        ResourceReader.Read(body, CoreSchemas.UserType);

        AssertJson(before, body);
    }

    private static JsonObject ReadUser(string json) => ResourceReader.Read(Parse(json), CoreSchemas.UserType);

    private static ScimException AssertError(string json, string scimType)
    {
        var error = Assert.Throws<ScimException>(() => ReadUser(json));
        Assert.Equal((400, scimType), (error.Status, error.ScimType));
        return error;
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
