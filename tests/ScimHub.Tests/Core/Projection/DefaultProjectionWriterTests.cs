using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core;
using ScimHub.Core.Projection;
using ScimHub.Core.Schemas;

namespace ScimHub.Tests.Core.Projection;

/// <summary>
/// Writing the default attributes straight from the stored JSON gives, byte for byte, what projecting the parsed
/// resource and writing it gives: the same members in the same order, the same schemas, the same escaping.
/// </summary>
public sealed class DefaultProjectionWriterTests
{
    private const string Profile = ScimConstants.ProfileExtensionSchema;
    private const string Enterprise = ScimConstants.EnterpriseUserSchema;

    /// <summary>A directory's User type with custom attributes of every "returned" kind.</summary>
    private static readonly ResourceType Type = CoreSchemas.UserTypeWith(
    [
        new AttributeDefinition { Name = "costCenter" },
        new AttributeDefinition { Name = "badge", Returned = Returned.Always },
        new AttributeDefinition { Name = "pin", Returned = Returned.Never },
        new AttributeDefinition { Name = "notes", Returned = Returned.Request },
    ]);

    public static TheoryData<string, string> Stored() => new()
    {
        {
            "an Entra user with the enterprise extension",
            $$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "{{Enterprise}}"],
              "externalId": "0a21f0f2-8d2a", "userName": "Test_User_ab6490ee@contoso.com", "active": false,
              "displayName": "Renamed 7", "title": "Title 7",
              "name": { "formatted": "Given Family", "familyName": "Family", "givenName": "Given" },
              "emails": [{ "primary": true, "type": "work", "value": "t@contoso.com" }, { "type": "home", "value": null }],
              "phoneNumbers": [{ "type": "mobile", "value": "+1 555 0100" }],
              "addresses": [{ "type": "work", "streetAddress": "1 Main St", "locality": "Redmond", "primary": true }],
              "{{Enterprise}}": { "department": "Dept 3", "employeeNumber": "42", "manager": { "value": "26118915" } }
            }
            """
        },
        {
            "nulls, an unknown attribute and the write-only password",
            """{ "userName": "n", "nickName": null, "favouriteColour": "blue", "password": "t1meMachine!", "roles": [], "x509Certificates": [{ "value": "TUlJ" }] }"""
        },
        {
            "custom attributes of every returned kind, in an extension named in other case",
            $$"""{ "userName": "c", "{{Profile.ToUpperInvariant()}}": { "costCenter": "CC-1", "badge": 7, "pin": "1234", "notes": "n", "unknown": 1, "CostCenter": "other case" } }"""
        },
        {
            "extensions that keep nothing, or are not objects, or are not the type's",
            $$"""{ "userName": "e", "{{Profile}}": { "pin": "1234", "notes": "n", "costCenter": null }, "{{Enterprise}}": "not an object", "urn:example:other:2.0:User": { "a": 1 } }"""
        },
        {
            "text that JSON escapes",
            """{ "userName": "q\"uote\\back\/slash", "displayName": "Zoë O'Brien <&> 😀 \u0001\n\t", "title": "\u00e9\u2028" }"""
        },
        {
            "member names escaped, and longer than the writer's name buffer",
            $$"""{ "user\u004eame": "esc", "{{new string('a', 300)}}": 1, "\u0075rn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "dep\u0061rtment": "D", "{{new string('d', 300)}}": 2 }, "{{Profile}}": { "cost\u0043enter": "CC" } }"""
        },
        {
            "numbers and booleans as sent",
            $$"""{ "userName": "n", "active": true, "{{Profile}}": { "costCenter": 1.50, "badge": -0 } }"""
        },
    };

    [Theory]
    [MemberData(nameof(Stored))]
    public void Writes_what_the_projection_of_the_parsed_resource_writes(string what, string sent)
    {
        var groups = new JsonArray(new JsonObject { ["value"] = "g1", ["display"] = "Tour \"Guides\"", ["type"] = "direct" });
        var meta = new JsonObject { ["resourceType"] = "User", ["created"] = "2026-11-30T04:00:00.0000000Z", ["location"] = "http://h/scim/Users/u1", ["version"] = "W/\"3\"" };
        var expected = ResourceProjection.Project(
            [new("id", "u1"), .. JsonNode.Parse(sent)!.AsObject().Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value?.DeepClone())), new("groups", groups.DeepClone()), new("meta", meta.DeepClone())],
            Type,
            AttributeSelection.Default).ToJsonString(ScimJsonOptions.Output);

        // As the hub stores it, as another encoder escapes it (older rows), and as sent (spaces, \u escapes, \/).
        foreach (var (form, stored) in new[]
        {
            ("stored", JsonNode.Parse(sent)!.ToJsonString(ScimJsonOptions.Output)),
            ("default encoder", JsonNode.Parse(sent)!.ToJsonString()),
            ("as sent", sent),
        })
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ScimJsonOptions.Output.Encoder }))
            {
                DefaultProjectionWriter.Write(writer, Type, [new("id", "u1")], Encoding.UTF8.GetBytes(stored), [new("groups", groups), new("meta", meta)]);
            }

            var written = Encoding.UTF8.GetString(buffer.WrittenSpan);
            Assert.True(expected == written, $"{what}, {form}:\nexpected {expected}\nwritten  {written}");
        }
    }

    [Fact]
    public void The_password_and_request_only_attributes_never_reach_the_response()
    {
        var stored = $$$"""{"userName":"p","password":"t1meMachine!","{{{Profile}}}":{"pin":"1234","notes":"n","badge":1}}""";
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            DefaultProjectionWriter.Write(writer, Type, [new("id", "u1")], Encoding.UTF8.GetBytes(stored), []);
        }

        var written = JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
        Assert.Null(written["password"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "badge": 1 }"""), written[Profile]));
        Assert.Equal(["urn:ietf:params:scim:schemas:core:2.0:User", Profile], written["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public void A_server_attribute_named_like_an_extension_is_refused()
    {
        using var writer = new Utf8JsonWriter(new ArrayBufferWriter<byte>());

        Assert.Throws<ArgumentException>(() => DefaultProjectionWriter.Write(writer, Type, [new(Enterprise, new JsonObject())], "{}"u8, []));
    }

    [Fact]
    public void A_stored_member_named_like_a_server_attribute_is_left_out()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            DefaultProjectionWriter.Write(writer, Type, [new("id", "u1")], """{"id":"stored","userName":"s","meta":{"version":"x"}}"""u8, [new("meta", new JsonObject { ["version"] = "W/\"1\"" })]);
        }

        Assert.Equal("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"s","meta":{"version":"W/\u00221\u0022"}}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
