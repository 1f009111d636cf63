using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Filters;
using ScimHub.Core.Paths;
using ScimHub.Core.Schemas;

namespace ScimHub.Tests.Core.Filters;

public sealed class FilterEvaluatorTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>Barbara Jensen, after RFC 7643 §8.2.</summary>
    private const string UserJson = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "id": "2819c223-7f76-453a-919d-413861904646",
          "externalId": "BJensen-HR",
          "userName": "bjensen",
          "name": { "formatted": "Ms. Barbara J Jensen III", "familyName": "O'Malley", "givenName": "Barbara" },
          "displayName": "Babs Jensen",
          "nickName": "",
          "title": "Tour Guide",
          "userType": "Employee",
          "preferredLanguage": null,
          "active": true,
          "emails": [
            { "value": "bjensen@example.com", "type": "work", "primary": true },
            { "value": "babs@jensen.org", "type": "home" }
          ],
          "ims": [ { "value": "babs@foo.com", "type": "xmpp" } ],
          "phoneNumbers": [],
          "meta": {
            "resourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z"
          },
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "manager": { "value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith" }
          }
        }
        """;

    /// <summary>A resource type with the attribute types the core schemas lack: integer, decimal, simple multi-valued.</summary>
    private static readonly ResourceType DeviceType = new("Device", "/Devices", "A device", new SchemaDefinition("urn:example:scim:Device", "Device", "A device",
    [
        new() { Name = "count", Type = AttributeType.Integer },
        new() { Name = "ratio", Type = AttributeType.Decimal },
        new() { Name = "tags", MultiValued = true },
        new() { Name = "serials", MultiValued = true, CaseExact = true },
        new() { Name = "certificate", Type = AttributeType.Binary },
    ]), []);

    private const string DeviceJson = """
        { "id": "d1", "count": 10, "ratio": 0.25, "tags": ["Red", "blue"], "serials": ["AB-1"], "certificate": "TUlJQw==" }
        """;

    [Theory]
    [InlineData("userName eq \"bjensen\"", true)]
    [InlineData("name.familyName co \"O'Malley\"", true)]
    [InlineData("userName sw \"J\"", false)]
    [InlineData("userName sw \"B\"", true)]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"bj\"", true)]
    [InlineData("title pr", true)]
    [InlineData("meta.lastModified gt \"2011-05-13T04:42:34Z\"", false)]
    [InlineData("meta.lastModified ge \"2011-05-13T04:42:34Z\"", true)]
    [InlineData("meta.lastModified lt \"2011-05-13T04:42:34Z\"", false)]
    [InlineData("meta.lastModified le \"2011-05-13T04:42:34Z\"", true)]
    [InlineData("title pr and userType eq \"Employee\"", true)]
    [InlineData("title pr or userType eq \"Intern\"", true)]
    [InlineData("schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"", true)]
    [InlineData("userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")", true)]
    [InlineData("userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")", false)]
    [InlineData("userType eq \"Employee\" and (emails.type eq \"work\")", true)]
    [InlineData("userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]", true)]
    [InlineData("emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]", true)]
    public void Rfc_7644_example_filters_evaluate_against_the_sample_user(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesUser(filter));
    }

    [Theory]
    [InlineData("userName eq \"bjensen\"", true)]
    [InlineData("userName ne \"bjensen\"", false)]
    [InlineData("userName co \"ens\"", true)]
    [InlineData("userName sw \"bje\"", true)]
    [InlineData("userName ew \"sen\"", true)]
    [InlineData("userName ew \"bje\"", false)]
    [InlineData("userName gt \"a\"", true)]
    [InlineData("userName ge \"bjensen\"", true)]
    [InlineData("userName lt \"bjensen\"", false)]
    [InlineData("userName le \"c\"", true)]
    [InlineData("userName pr", true)]
    public void Every_operator_evaluates_on_a_string_attribute(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesUser(filter));
    }

    [Theory]
    [InlineData("userName eq \"BJensen\"", true)]
    [InlineData("userName sw \"BJ\"", true)]
    [InlineData("userName gt \"A\"", true)]
    [InlineData("externalId eq \"BJensen-HR\"", true)]
    [InlineData("externalId eq \"bjensen-hr\"", false)]
    [InlineData("externalId co \"hr\"", false)]
    [InlineData("id eq \"2819C223-7F76-453A-919D-413861904646\"", false)]
    [InlineData("id eq \"2819c223-7f76-453a-919d-413861904646\"", true)]
    [InlineData("meta.resourceType eq \"user\"", false)]
    public void String_comparison_follows_the_case_exact_characteristic(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesUser(filter));
    }

    [Theory]
    [InlineData("USERNAME EQ \"bjensen\"")]
    [InlineData("Emails.Value CO \"EXAMPLE.COM\"")]
    [InlineData("EMAILS[TYPE Eq \"work\"]")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:MANAGER.VALUE sw \"26118915\"")]
    [InlineData("META.LASTMODIFIED Ge \"2011-01-01T00:00:00Z\"")]
    public void Operators_and_attribute_names_are_case_insensitive(string filter)
    {
        Assert.True(MatchesUser(filter));
    }

    [Fact]
    public void Resource_keys_are_looked_up_case_insensitively()
    {
        var resource = new JsonObject { ["UserName"] = "bjensen", ["EMAILS"] = new JsonArray(new JsonObject { ["Value"] = "b@x.org" }) };

        Assert.True(FilterEvaluator.Matches(FilterParser.Parse("userName eq \"bjensen\" and emails.value ew \"x.org\""), resource, CoreSchemas.UserType));
    }

    [Theory]
    [InlineData("meta.lastModified eq \"2011-05-13T04:42:34Z\"", true)]
    [InlineData("meta.lastModified eq \"2011-05-13T06:42:34+02:00\"", true)]
    [InlineData("meta.lastModified eq \"2011-05-12T23:42:34-05:00\"", true)]
    [InlineData("meta.lastModified ne \"2011-05-13T06:42:34+02:00\"", false)]
    [InlineData("meta.lastModified gt \"2011-05-13T05:42:34+02:00\"", true)]
    [InlineData("meta.lastModified lt \"2011-05-13T05:42:34+02:00\"", false)]
    [InlineData("meta.lastModified ge \"2011-05-13T04:42:34.000Z\"", true)]
    [InlineData("meta.lastModified gt \"2011-05-13T04:42:33.999Z\"", true)]
    [InlineData("meta.created lt \"2011-05-13T04:42:34Z\"", true)]
    public void DateTime_attributes_compare_as_instants(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesUser(filter));
    }

    [Theory]
    [InlineData("meta.lastModified gt \"yesterday\"")]
    [InlineData("meta.lastModified gt 20110513")]
    [InlineData("meta.lastModified co \"2011\"")]
    public void DateTime_comparison_with_a_non_date_literal_or_a_substring_operator_is_an_invalidFilter_error(string filter)
    {
        AssertInvalidFilter(() => MatchesUser(filter));
    }

    [Theory]
    [InlineData("count eq 10", true)]
    [InlineData("count eq 10.0", true)]
    [InlineData("count eq 1e1", true)]
    [InlineData("count ne 10", false)]
    [InlineData("count gt 9", true)]
    [InlineData("count gt 10", false)]
    [InlineData("count ge 10", true)]
    [InlineData("count lt 100", true)]
    [InlineData("count le 9.99", false)]
    [InlineData("ratio gt 0.2", true)]
    [InlineData("ratio lt 2.5E-1", false)]
    [InlineData("ratio le 2.5E-1", true)]
    [InlineData("ratio gt -1", true)]
    [InlineData("count lt 1e300", true)]
    public void Integer_and_decimal_attributes_compare_numerically(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesDevice(filter));
    }

    [Theory]
    [InlineData("count eq \"10\"")]
    [InlineData("count co 1")]
    [InlineData("userName eq 42")]
    [InlineData("userName eq true")]
    [InlineData("active eq \"maybe\"")]
    public void Literal_of_the_wrong_type_is_an_invalidFilter_error(string filter)
    {
        var type = filter.StartsWith("count", StringComparison.Ordinal) ? DeviceType : CoreSchemas.UserType;
        var resource = filter.StartsWith("count", StringComparison.Ordinal) ? Parse(DeviceJson) : Parse(UserJson);

        AssertInvalidFilter(() => FilterEvaluator.Matches(FilterParser.Parse(filter), resource, type));
    }

    [Theory]
    [InlineData("active eq true", true)]
    [InlineData("active eq \"True\"", true)]
    [InlineData("active eq \"false\"", false)]
    [InlineData("active eq FALSE", false)]
    [InlineData("active ne false", true)]
    [InlineData("emails.primary eq true", true)]
    [InlineData("emails[type eq \"home\" and primary eq true]", false)]
    public void Booleans_compare_with_eq_and_ne(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesUser(filter));
    }

    [Theory]
    [InlineData(ComparisonOperator.GreaterThan)]
    [InlineData(ComparisonOperator.LessThanOrEqual)]
    [InlineData(ComparisonOperator.Contains)]
    public void Boolean_with_an_operator_other_than_eq_or_ne_is_an_invalidFilter_error(ComparisonOperator op)
    {
        var filter = new ComparisonFilter(new AttributePath(null, "active", null), op, JsonValue.Create(true));

        var error = AssertInvalidFilter(() => FilterEvaluator.Matches(filter, Parse(UserJson), CoreSchemas.UserType));

        Assert.Contains("'active' is a boolean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordering_a_binary_attribute_is_an_invalidFilter_error()
    {
        AssertInvalidFilter(() => MatchesDevice("certificate gt \"A\""));
    }

    [Theory]
    [InlineData("emails.type eq \"home\"", true)]
    [InlineData("emails.value ew \"jensen.org\"", true)]
    [InlineData("emails.type eq \"other\"", false)]
    [InlineData("emails co \"jensen.org\"", true)]
    [InlineData("emails eq \"bjensen@example.com\"", true)]
    [InlineData("emails sw \"nobody\"", false)]
    [InlineData("phoneNumbers.value pr", false)]
    public void Multi_valued_attribute_matches_when_any_value_matches(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesUser(filter));
    }

    [Theory]
    [InlineData("tags eq \"red\"", true)]
    [InlineData("tags eq \"green\"", false)]
    [InlineData("tags[value eq \"BLUE\"]", true)]
    [InlineData("tags[value sw \"gr\"]", false)]
    [InlineData("serials eq \"ab-1\"", false)]
    [InlineData("serials[value eq \"AB-1\"]", true)]
    public void Multi_valued_simple_attribute_compares_each_value_and_value_names_the_element(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesDevice(filter));
    }

    [Theory]
    [InlineData("title pr", true)]
    [InlineData("nickName pr", false)]
    [InlineData("preferredLanguage pr", false)]
    [InlineData("locale pr", false)]
    [InlineData("phoneNumbers pr", false)]
    [InlineData("emails pr", true)]
    [InlineData("name pr", true)]
    [InlineData("addresses pr", false)]
    [InlineData("emails.display pr", false)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager pr", true)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr", false)]
    [InlineData("not (nickName pr)", true)]
    public void Present_means_not_null_not_empty_string_and_not_empty_array(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesUser(filter));
    }

    [Theory]
    [InlineData("locale ne \"en-US\"", true)]
    [InlineData("nickName ne \"x\"", true)]
    [InlineData("emails.type ne \"work\"", false)]
    [InlineData("emails.type ne \"other\"", true)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department ne \"Sales\"", true)]
    public void Ne_is_the_negation_of_eq_so_an_absent_attribute_is_ne_anything(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesUser(filter));
    }

    [Theory]
    [InlineData("locale eq null", true)]
    [InlineData("preferredLanguage eq null", true)]
    [InlineData("phoneNumbers eq null", true)]
    [InlineData("title eq null", false)]
    [InlineData("title ne null", true)]
    [InlineData("locale ne null", false)]
    [InlineData("emails.display eq null", true)]
    public void Eq_null_is_true_when_the_attribute_is_absent_or_null(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesUser(filter));
    }

    [Theory]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"26118915-6090-4610-87e4-49d8ca9f808d\"", true)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq \"26118915-6090-4610-87e4-49d8ca9f808d\"", true)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"", true)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"1\"", false)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName co \"smith\"", true)]
    public void Extension_attributes_are_found_under_their_urn(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesUser(filter));
    }

    [Theory]
    [InlineData("emails[type eq \"work\"].value eq \"bjensen@example.com\"", true)]
    [InlineData("emails[type eq \"home\"].value eq \"bjensen@example.com\"", false)]
    [InlineData("emails[type eq \"home\"].value pr", true)]
    [InlineData("emails[type eq \"home\"].display pr", false)]
    public void Entra_value_path_with_sub_attribute_needs_one_value_matching_both(string filter, bool expected)
    {
        Assert.Equal(expected, MatchesUser(filter));
    }

    [Fact]
    public void Entra_legacy_unquoted_value_compares_as_a_string()
    {
        Assert.True(MatchesUser("externalId eq BJensen-HR"));
    }

    [Fact]
    public void Group_member_value_filter_matches_the_member()
    {
        var group = Parse("""{ "displayName": "Tour Guides", "members": [ { "value": "2819c223", "type": "User" } ] }""");

        Assert.True(FilterEvaluator.Matches(FilterParser.Parse("members[value eq \"2819c223\"]"), group, CoreSchemas.GroupType));
        Assert.False(FilterEvaluator.Matches(FilterParser.Parse("members[value eq \"other\"]"), group, CoreSchemas.GroupType));
        Assert.True(FilterEvaluator.Matches(FilterParser.Parse("displayName eq \"tour guides\""), group, CoreSchemas.GroupType));
    }

    [Theory]
    [InlineData("nosuch eq \"x\"", "'nosuch'")]
    [InlineData("name.nosuch eq \"x\"", "'name.nosuch'")]
    [InlineData("title pr or nosuch pr", "'nosuch'")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nosuch pr", "nosuch")]
    [InlineData("urn:example:unknown:schema:title pr", "urn:example:unknown:schema:title")]
    [InlineData("emails[nosuch eq \"x\"]", "'emails.nosuch'")]
    [InlineData("phoneNumbers[nosuch eq \"x\"]", "'phoneNumbers.nosuch'")]
    [InlineData("addresses[nosuch eq \"x\"]", "'addresses.nosuch'")]
    public void Unknown_attribute_is_an_invalidFilter_error_naming_it_whatever_the_data(string filter, string name)
    {
        var error = AssertInvalidFilter(() => MatchesUser(filter));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enterprise_attribute_on_a_group_is_unknown()
    {
        var filter = FilterParser.Parse($"{Enterprise}:department pr");

        AssertInvalidFilter(() => FilterEvaluator.Matches(filter, new JsonObject(), CoreSchemas.GroupType));
    }

    [Theory]
    [InlineData("name eq \"Barbara\"")]
    [InlineData("userName[value pr]")]
    [InlineData("name.givenName co 5")]
    public void Comparison_that_does_not_fit_the_attribute_is_an_invalidFilter_error(string filter)
    {
        AssertInvalidFilter(() => MatchesUser(filter));
    }

    [Fact]
    public void Match_value_applies_a_value_filter_to_one_element()
    {
        var emails = CoreSchemas.User.Find("emails")!;
        var inner = Assert.IsType<ValuePathFilter>(FilterParser.Parse("emails[type eq \"WORK\" and value ew \"@example.com\"]")).Inner;

        Assert.True(FilterEvaluator.MatchesValue(inner, Parse("""{ "type": "work", "value": "a@example.com" }"""), emails));
        Assert.False(FilterEvaluator.MatchesValue(inner, Parse("""{ "type": "home", "value": "a@example.com" }"""), emails));
        Assert.False(FilterEvaluator.MatchesValue(inner, Parse("""{ "type": "work" }"""), emails));
    }

    [Fact]
    public void Match_value_on_a_simple_multi_valued_attribute_names_the_element_value()
    {
        var tags = DeviceType.Schema.Find("tags")!;
        var inner = FilterParser.Parse("value eq \"RED\" or value sw \"gr\"");

        Assert.True(FilterEvaluator.MatchesValue(inner, JsonValue.Create("red"), tags));
        Assert.True(FilterEvaluator.MatchesValue(inner, JsonValue.Create("green"), tags));
        Assert.False(FilterEvaluator.MatchesValue(inner, JsonValue.Create("blue"), tags));
    }

    [Theory]
    [InlineData("nosuch eq \"x\"")]
    [InlineData("emails.type eq \"work\"")]
    [InlineData("emails[type eq \"work\"]")]
    public void Match_value_rejects_paths_that_are_not_sub_attributes(string filter)
    {
        var emails = CoreSchemas.User.Find("emails")!;

        AssertInvalidFilter(() => FilterEvaluator.MatchesValue(FilterParser.Parse(filter), Parse("""{ "type": "work" }"""), emails));
    }

    [Fact]
    public void Long_chain_of_conditions_evaluates_without_deep_recursion()
    {
        var text = string.Join(" or ", Enumerable.Range(0, 150).Select(i => $"userName eq \"u{i}\"")) + " or userName eq \"bjensen\"";

        Assert.True(text.Length <= FilterParser.MaxLength);
        Assert.True(MatchesUser(text));
        Assert.False(MatchesUser(text.Replace("bjensen", "nobody", StringComparison.Ordinal)));
    }

    private static bool MatchesUser(string filter) =>
        FilterEvaluator.Matches(FilterParser.Parse(filter), Parse(UserJson), CoreSchemas.UserType);

    private static bool MatchesDevice(string filter) =>
        FilterEvaluator.Matches(FilterParser.Parse(filter), Parse(DeviceJson), DeviceType);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static ScimException AssertInvalidFilter(Func<bool> evaluate)
    {
        var error = Assert.Throws<ScimException>(() => evaluate());
        Assert.Equal((400, ScimErrorType.InvalidFilter), (error.Status, error.ScimType));
        return error;
    }
}
