using System.Text.Json;
using ScimHub.Core.Errors;
using ScimHub.Core.Filters;
using ScimHub.Core.Paths;

namespace ScimHub.Tests.Core.Filters;

public sealed class FilterParserTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Theory]
    [InlineData("eq", ComparisonOperator.Equal)]
    [InlineData("ne", ComparisonOperator.NotEqual)]
    [InlineData("co", ComparisonOperator.Contains)]
    [InlineData("sw", ComparisonOperator.StartsWith)]
    [InlineData("ew", ComparisonOperator.EndsWith)]
    [InlineData("gt", ComparisonOperator.GreaterThan)]
    [InlineData("ge", ComparisonOperator.GreaterThanOrEqual)]
    [InlineData("lt", ComparisonOperator.LessThan)]
    [InlineData("le", ComparisonOperator.LessThanOrEqual)]
    [InlineData("EQ", ComparisonOperator.Equal)]
    [InlineData("Sw", ComparisonOperator.StartsWith)]
    [InlineData("lE", ComparisonOperator.LessThanOrEqual)]
    public void Every_comparison_operator_parses_case_insensitively(string op, ComparisonOperator expected)
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse($"userName {op} \"bjensen\""));

        Assert.Equal(new AttributePath(null, "userName", null), filter.Path);
        Assert.Equal(expected, filter.Operator);
        Assert.Equal("bjensen", filter.Value!.GetValue<string>());
    }

    [Theory]
    [InlineData("title pr")]
    [InlineData("title PR")]
    [InlineData("  title   pr  ")]
    public void Present_operator_takes_no_value(string text)
    {
        var filter = Assert.IsType<PresentFilter>(FilterParser.Parse(text));

        Assert.Equal(new AttributePath(null, "title", null), filter.Path);
    }

    [Theory]
    // RFC 7644 §3.4.2.2, the example filters.
    [InlineData("userName eq \"bjensen\"", "(eq userName \"bjensen\")")]
    [InlineData("name.familyName co \"O'Malley\"", "(co name.familyName \"O'Malley\")")]
    [InlineData("userName sw \"J\"", "(sw userName \"J\")")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"", "(sw urn:ietf:params:scim:schemas:core:2.0:User:userName \"J\")")]
    [InlineData("title pr", "(pr title)")]
    [InlineData("meta.lastModified gt \"2011-05-13T04:42:34Z\"", "(gt meta.lastModified \"2011-05-13T04:42:34Z\")")]
    [InlineData("meta.lastModified ge \"2011-05-13T04:42:34Z\"", "(ge meta.lastModified \"2011-05-13T04:42:34Z\")")]
    [InlineData("meta.lastModified lt \"2011-05-13T04:42:34Z\"", "(lt meta.lastModified \"2011-05-13T04:42:34Z\")")]
    [InlineData("meta.lastModified le \"2011-05-13T04:42:34Z\"", "(le meta.lastModified \"2011-05-13T04:42:34Z\")")]
    [InlineData("title pr and userType eq \"Employee\"", "(and (pr title) (eq userType \"Employee\"))")]
    [InlineData("title pr or userType eq \"Intern\"", "(or (pr title) (eq userType \"Intern\"))")]
    [InlineData("schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"",
        "(eq schemas \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\")")]
    [InlineData("userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")",
        "(and (eq userType \"Employee\") (or (co emails \"example.com\") (co emails.value \"example.org\")))")]
    [InlineData("userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")",
        "(and (ne userType \"Employee\") (not (or (co emails \"example.com\") (co emails.value \"example.org\"))))")]
    [InlineData("userType eq \"Employee\" and (emails.type eq \"work\")", "(and (eq userType \"Employee\") (eq emails.type \"work\"))")]
    [InlineData("userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]",
        "(and (eq userType \"Employee\") (emails[(and (eq type \"work\") (co value \"@example.com\"))]))")]
    [InlineData("emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]",
        "(or (emails[(and (eq type \"work\") (co value \"@example.com\"))]) (ims[(and (eq type \"xmpp\") (co value \"@foo.com\"))]))")]
    public void Rfc_7644_example_filters_parse_to_the_expected_tree(string text, string expected)
    {
        Assert.Equal(expected, FilterNotation.Write(FilterParser.Parse(text)));
    }

    [Fact]
    public void And_binds_tighter_than_or()
    {
        Assert.Equal("(or (pr a) (and (pr b) (pr c)))", FilterNotation.Write(FilterParser.Parse("a pr or b pr and c pr")));
        Assert.Equal("(or (and (pr a) (pr b)) (pr c))", FilterNotation.Write(FilterParser.Parse("a pr and b pr or c pr")));
    }

    [Fact]
    public void And_and_or_are_left_associative()
    {
        Assert.Equal("(and (and (pr a) (pr b)) (pr c))", FilterNotation.Write(FilterParser.Parse("a pr and b pr and c pr")));
        Assert.Equal("(or (or (pr a) (pr b)) (pr c))", FilterNotation.Write(FilterParser.Parse("a pr or b pr or c pr")));
    }

    [Fact]
    public void Parentheses_override_precedence()
    {
        Assert.Equal("(and (or (pr a) (pr b)) (pr c))", FilterNotation.Write(FilterParser.Parse("(a pr or b pr) and c pr")));
        Assert.Equal("(and (pr a) (or (pr b) (pr c)))", FilterNotation.Write(FilterParser.Parse("a pr and (b pr or c pr)")));
        Assert.Equal("(pr a)", FilterNotation.Write(FilterParser.Parse("((( a pr )))")));
    }

    [Fact]
    public void Not_binds_tighter_than_and()
    {
        Assert.Equal("(and (not (pr a)) (pr b))", FilterNotation.Write(FilterParser.Parse("not (a pr) and b pr")));
        Assert.Equal("(not (and (pr a) (pr b)))", FilterNotation.Write(FilterParser.Parse("not(a pr and b pr)")));
        Assert.Equal("(not (not (pr a)))", FilterNotation.Write(FilterParser.Parse("not (not (a pr))")));
    }

    [Fact]
    public void Logical_keywords_are_case_insensitive()
    {
        Assert.Equal("(or (and (pr a) (pr b)) (not (pr c)))", FilterNotation.Write(FilterParser.Parse("a pr AND b pr Or NOT (c pr)")));
    }

    [Fact]
    public void Complex_value_filter_has_sub_attribute_paths_inside()
    {
        var filter = Assert.IsType<ValuePathFilter>(FilterParser.Parse("emails[type eq \"work\" and value co \"@x\"]"));

        Assert.Equal(new AttributePath(null, "emails", null), filter.Path);
        var inner = Assert.IsType<AndFilter>(filter.Inner);
        Assert.Equal(new AttributePath(null, "type", null), Assert.IsType<ComparisonFilter>(inner.Left).Path);
        Assert.Equal(new AttributePath(null, "value", null), Assert.IsType<ComparisonFilter>(inner.Right).Path);
    }

    [Fact]
    public void Value_filter_may_group_and_negate_inside_the_brackets()
    {
        var filter = FilterParser.Parse("emails[(type eq \"work\" or type eq \"home\") and not (primary eq false)]");

        Assert.Equal("(emails[(and (or (eq type \"work\") (eq type \"home\")) (not (eq primary false)))])", FilterNotation.Write(filter));
    }

    [Fact]
    public void Entra_value_path_with_a_sub_attribute_comparison_becomes_a_value_filter_with_both_conditions()
    {
        var filter = Assert.IsType<ValuePathFilter>(FilterParser.Parse("emails[type eq \"work\"].value eq \"bjensen@example.com\""));

        Assert.Equal(new AttributePath(null, "emails", null), filter.Path);
        Assert.Equal("(and (eq type \"work\") (eq value \"bjensen@example.com\"))", FilterNotation.Write(filter.Inner));
    }

    [Fact]
    public void Entra_value_path_with_a_present_sub_attribute_becomes_a_value_filter_with_both_conditions()
    {
        var filter = FilterParser.Parse("emails[type eq \"work\"].value pr and userName eq \"x\"");

        Assert.Equal("(and (emails[(and (eq type \"work\") (pr value))]) (eq userName \"x\"))", FilterNotation.Write(filter));
    }

    [Fact]
    public void Urn_qualified_extension_path_keeps_the_urn_with_its_version_dot()
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse($"{Enterprise}:manager.value eq \"26118915\""));

        Assert.Equal(new AttributePath(Enterprise, "manager", "value"), filter.Path);
    }

    [Fact]
    public void Urn_qualified_value_path_is_a_value_filter_on_the_qualified_attribute()
    {
        var filter = Assert.IsType<ValuePathFilter>(FilterParser.Parse("urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq \"work\"]"));

        Assert.Equal(new AttributePath("urn:ietf:params:scim:schemas:core:2.0:User", "emails", null), filter.Path);
    }

    [Fact]
    public void Attribute_names_keep_the_callers_spelling()
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse("NAME.FamilyName EQ \"x\""));

        Assert.Equal(new AttributePath(null, "NAME", "FamilyName"), filter.Path);
    }

    [Fact]
    public void String_literals_decode_json_escapes()
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse("displayName eq \"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\uD83D\\uDE00\""));

        Assert.Equal("a\"b\\c/d\n\té\U0001F600", filter.Value!.GetValue<string>());
    }

    [Fact]
    public void String_literal_may_contain_brackets_parentheses_and_keywords()
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse("displayName eq \"(a] and [b) or not\""));

        Assert.Equal("(a] and [b) or not", filter.Value!.GetValue<string>());
    }

    [Theory]
    [InlineData("true", JsonValueKind.True)]
    [InlineData("TRUE", JsonValueKind.True)]
    [InlineData("false", JsonValueKind.False)]
    [InlineData("False", JsonValueKind.False)]
    public void Boolean_literals_are_case_insensitive(string literal, JsonValueKind kind)
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse($"active eq {literal}"));

        Assert.Equal(kind, filter.Value!.GetValueKind());
    }

    [Theory]
    [InlineData("null")]
    [InlineData("NULL")]
    public void Null_literal_gives_a_null_value(string literal)
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse($"title ne {literal}"));

        Assert.Equal(ComparisonOperator.NotEqual, filter.Operator);
        Assert.Null(filter.Value);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("-7")]
    [InlineData("0")]
    [InlineData("3.25")]
    [InlineData("-0.5")]
    [InlineData("1e3")]
    [InlineData("2.5E-3")]
    [InlineData("6e+2")]
    public void Number_literals_keep_their_exact_text(string literal)
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse($"count ge {literal}"));

        Assert.Equal(JsonValueKind.Number, filter.Value!.GetValueKind());
        Assert.Equal(literal, filter.Value.ToJsonString());
    }

    [Fact]
    public void Integer_literal_converts_to_integer_types()
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse("count eq 42"));

        Assert.Equal(42, filter.Value!.GetValue<int>());
        Assert.Equal(42m, filter.Value.GetValue<decimal>());
    }

    [Theory]
    [InlineData("externalId eq jyoung", "jyoung")]
    [InlineData("id eq 2819c223-7f76-453a-919d-413861904646", "2819c223-7f76-453a-919d-413861904646")]
    [InlineData("userName eq 01.5", "01.5")]
    public void Entra_legacy_unquoted_word_is_a_string_value(string text, string expected)
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse(text));

        Assert.Equal(JsonValueKind.String, filter.Value!.GetValueKind());
        Assert.Equal(expected, filter.Value.GetValue<string>());
    }

    [Fact]
    public void Filter_nested_exactly_to_the_limit_parses()
    {
        var depth = FilterParser.MaxDepth;
        var text = new string('(', depth) + "title pr" + new string(')', depth);

        Assert.Equal("(pr title)", FilterNotation.Write(FilterParser.Parse(text)));
    }

    [Fact]
    public void Long_chain_of_or_is_not_limited_by_the_depth()
    {
        var text = string.Join(" or ", Enumerable.Range(0, 200).Select(i => $"id eq \"{i}\""));

        Assert.IsType<OrFilter>(FilterParser.Parse(text));
    }

    [Fact]
    public void Unknown_operator_is_an_invalidFilter_error_naming_it()
    {
        var error = AssertInvalidFilter("userName eqq \"bjensen\"");

        Assert.Equal("Unknown operator 'eqq' at position 9; expected one of eq, ne, co, sw, ew, pr, gt, ge, lt, le.", error.Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("userName", "Missing operator after 'userName' at position 8")]
    [InlineData("userName \"bjensen\"", "Missing operator after 'userName' at position 9")]
    [InlineData("userName eq", "Missing value after 'eq' at position 11")]
    [InlineData("userName eq )", "Missing value after 'eq' at position 12")]
    [InlineData("(userName eq)", "Missing value after 'eq' at position 12")]
    [InlineData("userName eq and title pr", "Missing value after 'eq' at position 12")]
    [InlineData("userName eq \"bjensen", "The string starting at position 12 is not terminated")]
    [InlineData("userName eq \"bjensen\\\"", "The string starting at position 12 is not terminated")]
    [InlineData("userName eq \"a\\qb\"", "Invalid escape '\\q' at position 14")]
    [InlineData("userName eq \"a\\u12\"", "'\\u' must be followed by four hexadecimal digits")]
    [InlineData("userName eq \"\\uD800\"", "unpaired")]
    [InlineData("(userName pr", "Missing ')' to close the '(' at position 0")]
    [InlineData("((userName pr)", "Missing ')' to close the '(' at position 0")]
    [InlineData("userName pr)", "Unexpected ')' at position 11; no '(' is open")]
    [InlineData("emails[type eq \"work\"", "Missing ']' to close the '[' at position 6")]
    [InlineData("emails[type eq \"work\")", "Unexpected ')' at position 21; expected 'and', 'or' or ']'")]
    [InlineData("(emails[type eq \"work\")]", "Unexpected ')' at position 22; expected 'and', 'or' or ']'")]
    [InlineData("userName pr]", "Unexpected ']' at position 11; no '[' is open")]
    [InlineData("emails[type[value eq \"x\"] eq \"y\"]", "Nested value filter at position 11")]
    [InlineData("emails[value pr and ims[type pr]]", "Nested value filter at position 23")]
    [InlineData("userName eq \"a\" \"b\"", "Unexpected string \"b\" at position 16; expected 'and', 'or' or the end of the filter")]
    [InlineData("userName eq \"a\" title pr", "Unexpected 'title' at position 16")]
    [InlineData("userName eq \"a\" and", "The input ends at position 19 where an expression was expected")]
    [InlineData("and title pr", "Expected an attribute path, '(' or 'not' at position 0, found 'and'")]
    [InlineData("title pr or or x pr", "found 'or'")]
    [InlineData("()", "Unexpected ')' at position 1; expected an attribute path")]
    [InlineData("not title pr", "'not' at position 0 must be followed by '('")]
    [InlineData("active gt true", "'gt' at position 7 cannot compare with 'true'")]
    [InlineData("active ge FALSE", "'ge' at position 7 cannot compare with 'FALSE'")]
    [InlineData("title lt null", "'lt' at position 6 cannot compare with 'null'")]
    [InlineData("title le null", "true, false and null only go with eq and ne")]
    [InlineData("title co null", "true, false and null only go with eq and ne")]
    [InlineData("title pr \"x\"", "'pr' at position 6 takes no value, but string \"x\" follows at position 9")]
    [InlineData("title pr x", "'pr' at position 6 takes no value")]
    [InlineData("title pr 42", "'pr' at position 6 takes no value")]
    [InlineData("1title pr", "'1title' at position 0 is not an attribute path")]
    [InlineData("name.givenName.x eq \"a\"", "'name.givenName.x' at position 0 is not an attribute path")]
    [InlineData("name.givenName[value pr]", "names a sub-attribute")]
    [InlineData("emails[type.x eq \"work\"]", "'type.x' at position 7 is not a sub-attribute name")]
    [InlineData("emails[type eq \"work\"].", "'.' at position 22 is not a sub-attribute")]
    [InlineData("emails[type eq \"work\"].value", "Missing operator after '.value' at position 28")]
    [InlineData("emails[type eq \"work\"].value foo \"x\"", "Unknown operator 'foo' at position 29")]
    [InlineData("emails[type eq \"work\"] value", "Unexpected 'value' at position 23")]
    public void Malformed_filter_is_an_invalidFilter_error_naming_the_position(string text, string detail)
    {
        var error = AssertInvalidFilter(text);

        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_longer_than_the_limit_is_rejected()
    {
        var text = "userName eq \"" + new string('a', FilterParser.MaxLength) + "\"";

        var error = AssertInvalidFilter(text);

        Assert.Contains($"the limit is {FilterParser.MaxLength}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_nested_one_level_past_the_limit_is_rejected()
    {
        var depth = FilterParser.MaxDepth + 1;
        var text = new string('(', depth) + "title pr" + new string(')', depth);

        var error = AssertInvalidFilter(text);

        Assert.Contains($"nests deeper than {FilterParser.MaxDepth} levels", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(")]
    [InlineData("not (")]
    public void Deep_nesting_within_the_length_limit_is_a_clean_error(string opener)
    {
        var count = (FilterParser.MaxLength - 10) / opener.Length;
        var text = string.Concat(Enumerable.Repeat(opener, count)) + "title pr";

        var error = AssertInvalidFilter(text);

        Assert.Contains("nests deeper than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_thousand_open_parentheses_are_a_clean_error()
    {
        var error = AssertInvalidFilter(new string('(', 10_000));

        Assert.Contains("10000 characters long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_filters_count_toward_the_depth_limit()
    {
        var depth = FilterParser.MaxDepth;
        var text = new string('(', depth) + "emails[type pr]" + new string(')', depth);

        var error = AssertInvalidFilter(text);

        Assert.Contains("nests deeper than", error.Message, StringComparison.Ordinal);
    }

    private static ScimException AssertInvalidFilter(string text)
    {
        var error = Assert.Throws<ScimException>(() => FilterParser.Parse(text));
        Assert.Equal((400, ScimErrorType.InvalidFilter), (error.Status, error.ScimType));
        return error;
    }
}
