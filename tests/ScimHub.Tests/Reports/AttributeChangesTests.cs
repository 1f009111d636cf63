using System.Text.Json.Nodes;
using ScimHub.Provisioning.Reports;

namespace ScimHub.Tests.Reports;

public sealed class AttributeChangesTests
{
    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    private static List<(string Attribute, string? Old, string? New)> Changes(string? before, string? after) =>
        Entries(AttributeChanges.Between(before is null ? null : Json(before), after is null ? null : Json(after)))
            .Select(c => ((string)c!["attribute"]!, c["old"]?.ToJsonString(), c["new"]?.ToJsonString())).ToList();

    /// <summary>The entries of a change list's JSON text (none when there is no text).</summary>
    private static JsonArray Entries(string? changes) => changes is null ? [] : JsonNode.Parse(changes)!.AsArray();

    [Fact]
    public void Complex_attributes_and_extensions_are_compared_sub_attribute_by_sub_attribute()
    {
        var changes = Changes(
            """{ "name": { "givenName": "Ann", "familyName": "Lee" }, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Sales", "manager": { "value": "m1" } } }""",
            """{ "name": { "givenName": "Anne", "familyName": "Lee" }, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Sales", "manager": { "value": "m2" } } }""");

        Assert.Equal(
            [("name.givenName", "\"Ann\"", "\"Anne\""), ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "\"m1\"", "\"m2\"")],
            changes);
    }

    [Fact]
    public void Multi_valued_attributes_are_compared_as_a_whole_and_removals_have_no_new_value()
    {
        var changes = Changes(
            """{ "emails": [{ "value": "a@x" }], "title": "T" }""",
            """{ "emails": [{ "value": "b@x" }] }""");

        Assert.Equal([("emails", """[{"value":"a@x"}]""", """[{"value":"b@x"}]"""), ("title", "\"T\"", null)], changes);
    }

    [Fact]
    public void A_create_lists_every_attribute_as_new_without_secrets_or_derived_ones()
    {
        var changes = Changes(null, """{ "schemas": ["s"], "userName": "u", "password": "p", "groups": [], "name": { "givenName": "G" } }""");

        Assert.Equal([("userName", null, "\"u\""), ("name.givenName", null, "\"G\"")], changes);
    }

    [Fact]
    public void A_huge_value_is_recorded_as_its_size_only()
    {
        var big = new string('x', AttributeChanges.MaxValueLength + 10);

        var change = Assert.Single(Changes("""{ "title": "a" }""", $$"""{ "title": "{{big}}" }"""));

        Assert.Contains("characters, not recorded", change.New, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_value_of_exactly_the_cap_is_recorded_and_one_character_more_is_not(bool parsed)
    {
        // As JSON, a string is its characters and two quotes.
        var fits = new string('x', AttributeChanges.MaxValueLength - 2);
        var over = fits + "x";

        Assert.Equal($"\"{fits}\"", NewValue(fits, parsed));
        Assert.Contains($"({AttributeChanges.MaxValueLength + 1} characters, not recorded)", NewValue(over, parsed), StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_of_short_values_longer_than_the_cap_together_is_recorded_as_its_size_only()
    {
        var emails = string.Join(", ", Enumerable.Range(0, 200).Select(i => $$"""{ "value": "user{{i}}@example.com" }"""));

        var change = Assert.Single(Changes(null, $$"""{ "emails": [{{emails}}] }"""));

        Assert.Contains("characters, not recorded", change.New, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, true)]
    [InlineData(400, false)]
    public void Characters_written_as_escapes_count_at_their_escaped_length(int count, bool recorded)
    {
        // é is written as \u00E9: six characters each.
        var text = new string('é', count);

        var change = Assert.Single(Changes(null, $$"""{ "title": "{{text}}" }"""));

        Assert.Equal(recorded, !change.New!.Contains("not recorded", StringComparison.Ordinal));
    }

    /// <summary>The recorded new value of a title set to <paramref name="text"/>, parsed from JSON or built in code.</summary>
    private static string? NewValue(string text, bool parsed)
    {
        var after = parsed ? Json($$"""{ "title": "{{text}}" }""") : new JsonObject { ["title"] = text };
        return Entries(AttributeChanges.Between(null, after)).Single()!["new"]!.ToJsonString();
    }

    [Fact]
    public void The_list_is_stored_as_compact_json_with_characters_as_they_are()
    {
        var json = AttributeChanges.Between(Json("""{ "displayName": "Zoë" }"""), Json("""{ "displayName": "Zoë \"Z\" Ng" }"""));

        Assert.Equal("""[{"attribute":"displayName","old":"Zoë","new":"Zoë \"Z\" Ng"}]""", json);
    }

    [Fact]
    public void Identical_versions_have_no_changes() =>
        Assert.Null(AttributeChanges.Between(Json("""{ "userName": "u", "name": { "givenName": "G" } }"""), Json("""{ "userName": "u", "name": { "givenName": "G" } }""")));
}
