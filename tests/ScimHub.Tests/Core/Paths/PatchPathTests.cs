using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Filters;
using ScimHub.Core.Paths;
using ScimHub.Core.Schemas;
using ScimHub.Tests.Core.Filters;

namespace ScimHub.Tests.Core.Paths;

public sealed class PatchPathTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string CoreUser = "urn:ietf:params:scim:schemas:core:2.0:User";

    [Fact]
    public void Simple_attribute_path_has_no_filter_and_no_sub_attribute()
    {
        var path = PatchPath.Parse("userName");

        Assert.Equal(new PatchPath(new AttributePath(null, "userName", null), null, null), path);
    }

    [Fact]
    public void Sub_attribute_path_keeps_the_sub_attribute_in_the_attribute()
    {
        var path = PatchPath.Parse("name.givenName");

        Assert.Equal(new AttributePath(null, "name", "givenName"), path.Attribute);
        Assert.Null(path.ValueFilter);
        Assert.Null(path.SubAttribute);
    }

    [Fact]
    public void Value_path_carries_the_bracketed_filter()
    {
        var path = PatchPath.Parse("members[value eq \"2819c223\"]");

        Assert.Equal(new AttributePath(null, "members", null), path.Attribute);
        Assert.Equal("(eq value \"2819c223\")", FilterNotation.Write(path.ValueFilter!));
        Assert.Null(path.SubAttribute);
    }

    [Fact]
    public void Value_path_with_a_sub_attribute_splits_into_attribute_filter_and_sub_attribute()
    {
        var path = PatchPath.Parse("emails[type eq \"work\"].value");

        Assert.Equal(new AttributePath(null, "emails", null), path.Attribute);
        Assert.Equal("(eq type \"work\")", FilterNotation.Write(path.ValueFilter!));
        Assert.Equal("value", path.SubAttribute);
    }

    [Fact]
    public void Value_path_filter_may_combine_conditions()
    {
        var path = PatchPath.Parse("emails[type eq \"work\" and not (primary eq false)].display");

        Assert.Equal("(and (eq type \"work\") (not (eq primary false)))", FilterNotation.Write(path.ValueFilter!));
        Assert.Equal("display", path.SubAttribute);
    }

    [Fact]
    public void Extension_urn_path_keeps_the_urn()
    {
        var path = PatchPath.Parse($"{Enterprise}:manager");

        Assert.Equal(new AttributePath(Enterprise, "manager", null), path.Attribute);
        Assert.Null(path.ValueFilter);
    }

    [Fact]
    public void Extension_urn_path_with_sub_attribute_keeps_the_urn_and_the_sub_attribute()
    {
        var path = PatchPath.Parse($"{Enterprise}:manager.value");

        Assert.Equal(new AttributePath(Enterprise, "manager", "value"), path.Attribute);
    }

    [Fact]
    public void Core_urn_value_path_with_sub_attribute_parses()
    {
        var path = PatchPath.Parse($"{CoreUser}:emails[type eq \"work\"].value");

        Assert.Equal(new AttributePath(CoreUser, "emails", null), path.Attribute);
        Assert.Equal("(eq type \"work\")", FilterNotation.Write(path.ValueFilter!));
        Assert.Equal("value", path.SubAttribute);
    }

    [Fact]
    public void Quoted_bracket_inside_the_filter_does_not_end_it()
    {
        var path = PatchPath.Parse("members[display eq \"a]b\"]");

        Assert.Equal("(eq display \"a]b\")", FilterNotation.Write(path.ValueFilter!));
    }

    [Fact]
    public void Surrounding_white_space_is_ignored()
    {
        var path = PatchPath.Parse("  members[ value eq \"1\" ]  ");

        Assert.Equal(new AttributePath(null, "members", null), path.Attribute);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("1abc", "'1abc' at position 0 is not an attribute path")]
    [InlineData("name.", "'name.' at position 0 is not an attribute path")]
    [InlineData("name.givenName.x", "is not an attribute path")]
    [InlineData("\"userName\"", "Expected an attribute path at position 0")]
    [InlineData("[value eq \"1\"]", "Expected an attribute path at position 0")]
    [InlineData("emails[type eq \"work\"", "Missing ']' to close the '[' at position 6")]
    [InlineData("emails[type eqq \"work\"]", "Unknown operator 'eqq' at position 12")]
    [InlineData("emails[type eq]", "Missing value after 'eq' at position 14")]
    [InlineData("emails[]", "Unexpected ']' at position 7")]
    [InlineData("emails[type eq \"work\"].", "'.' at position 22 is not a sub-attribute")]
    [InlineData("emails[type eq \"work\"].value.display", "'.value.display' at position 22 is not a sub-attribute")]
    [InlineData("emails[type eq \"work\"].value eq \"x\"", "Unexpected 'eq' at position 29")]
    [InlineData("emails[type eq \"work\"] value", "Unexpected 'value' at position 23")]
    [InlineData("emails[type eq \"work\"][value pr]", "Unexpected '[' at position 22")]
    [InlineData("emails[value pr and ims[type pr]]", "Nested value filter at position 23")]
    [InlineData("name.givenName[value pr]", "names a sub-attribute")]
    [InlineData("userName eq \"x\"", "Unexpected 'eq' at position 9")]
    public void Malformed_path_is_an_invalidPath_error_naming_the_position(string text, string detail)
    {
        var error = Assert.Throws<ScimException>(() => PatchPath.Parse(text));

        Assert.Equal((400, ScimErrorType.InvalidPath), (error.Status, error.ScimType));
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_filter_nested_past_the_depth_limit_is_an_invalidPath_error()
    {
        var depth = FilterParser.MaxDepth;
        var text = "emails[" + new string('(', depth) + "type pr" + new string(')', depth) + "]";

        var error = Assert.Throws<ScimException>(() => PatchPath.Parse(text));

        Assert.Equal((400, ScimErrorType.InvalidPath), (error.Status, error.ScimType));
        Assert.Contains("nests deeper than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Path_longer_than_the_limit_is_an_invalidPath_error()
    {
        var error = Assert.Throws<ScimException>(() => PatchPath.Parse("emails[" + new string('(', 10_000)));

        Assert.Equal((400, ScimErrorType.InvalidPath), (error.Status, error.ScimType));
    }

    [Fact]
    public void Value_filter_of_a_path_evaluates_against_one_value()
    {
        var path = PatchPath.Parse("emails[type eq \"work\"].value");
        var emails = CoreSchemas.User.Find("emails")!;

        Assert.True(FilterEvaluator.MatchesValue(path.ValueFilter!, new JsonObject { ["type"] = "work" }, emails));
        Assert.False(FilterEvaluator.MatchesValue(path.ValueFilter!, new JsonObject { ["type"] = "home" }, emails));
    }
}
