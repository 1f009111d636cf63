using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Patch;

namespace ScimHub.Tests.Core.Patch;

public sealed class PatchRequestTests
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    [Theory]
    [InlineData("add", PatchOperationType.Add)]
    [InlineData("Add", PatchOperationType.Add)]
    [InlineData("ADD", PatchOperationType.Add)]
    [InlineData("replace", PatchOperationType.Replace)]
    [InlineData("Replace", PatchOperationType.Replace)]
    [InlineData("REPLACE", PatchOperationType.Replace)]
    [InlineData("remove", PatchOperationType.Remove)]
    [InlineData("Remove", PatchOperationType.Remove)]
    [InlineData("rEmOvE", PatchOperationType.Remove)]
    public void Op_is_read_case_insensitively_as_Entra_capitalises_it(string op, PatchOperationType expected)
    {
        var operations = PatchRequest.Parse(Body($$"""[{ "op": "{{op}}", "path": "displayName", "value": "x" }]"""));

        var operation = Assert.Single(operations);
        Assert.Equal(expected, operation.Type);
    }

    [Fact]
    public void Entra_default_disable_request_parses_to_a_replace_of_active_with_the_string_value()
    {
        var operations = PatchRequest.Parse(Body("""[{ "op": "Replace", "path": "active", "value": "False" }]"""));

        var operation = Assert.Single(operations);
        Assert.Equal(PatchOperationType.Replace, operation.Type);
        Assert.Equal("active", operation.Path);
        Assert.True(JsonNode.DeepEquals(JsonValue.Create("False"), operation.Value));
    }

    [Fact]
    public void Operations_keep_their_order_path_and_value()
    {
        var operations = PatchRequest.Parse(Body("""
            [
              { "op": "replace", "path": "emails[type eq \"work\"].value", "value": "new@example.com" },
              { "op": "remove", "path": "members[value eq \"2819c223\"]" },
              { "op": "add", "value": { "displayName": "Tour Guides" } }
            ]
            """));

        Assert.Equal(3, operations.Count);
        Assert.Equal((PatchOperationType.Replace, "emails[type eq \"work\"].value"), (operations[0].Type, operations[0].Path));
        Assert.True(JsonNode.DeepEquals(JsonValue.Create("new@example.com"), operations[0].Value));
        Assert.Equal((PatchOperationType.Remove, "members[value eq \"2819c223\"]"), (operations[1].Type, operations[1].Path));
        Assert.Null(operations[1].Value);
        Assert.Equal(PatchOperationType.Add, operations[2].Type);
        Assert.Null(operations[2].Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "displayName": "Tour Guides" }"""), operations[2].Value));
    }

    [Fact]
    public void Operations_op_path_and_value_keys_are_matched_case_insensitively()
    {
        var body = JsonNode.Parse($$"""
            {
              "SCHEMAS": ["{{PatchOp}}"],
              "operations": [ { "OP": "Replace", "Path": "displayName", "VALUE": "Tour Guides" } ]
            }
            """)!.AsObject();

        var operation = Assert.Single(PatchRequest.Parse(body));

        Assert.Equal((PatchOperationType.Replace, "displayName"), (operation.Type, operation.Path));
        Assert.True(JsonNode.DeepEquals(JsonValue.Create("Tour Guides"), operation.Value));
    }

    [Fact]
    public void PatchOp_schema_urn_is_compared_case_insensitively()
    {
        var body = JsonNode.Parse("""
            { "schemas": ["URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:PATCHOP"], "Operations": [ { "op": "remove", "path": "title" } ] }
            """)!.AsObject();

        Assert.Single(PatchRequest.Parse(body));
    }

    [Fact]
    public void Parsing_does_not_share_value_nodes_with_the_body()
    {
        var body = Body("""[{ "op": "add", "path": "emails", "value": [ { "value": "a@example.com" } ] }]""");

        var operation = Assert.Single(PatchRequest.Parse(body));

        Assert.NotNull(operation.Value);
        Assert.Null(operation.Value.Parent);
    }

    [Theory]
    [InlineData("\"merge\"", "'merge'")]
    [InlineData("\"copy\"", "'copy'")]
    [InlineData("\"\"", "''")]
    [InlineData("42", "")]
    public void Unknown_op_is_an_invalidSyntax_error_naming_it(string op, string named)
    {
        var error = AssertError(Body($$"""[{ "op": {{op}}, "path": "displayName", "value": "x" }]"""), ScimErrorType.InvalidSyntax);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("add, replace, remove", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_op_is_an_invalidSyntax_error()
    {
        AssertError(Body("""[{ "path": "displayName", "value": "x" }]"""), ScimErrorType.InvalidSyntax);
    }

    [Fact]
    public void Error_names_the_index_of_the_bad_operation()
    {
        var error = AssertError(Body("""
            [ { "op": "add", "path": "title", "value": "x" }, { "op": "move", "path": "title" } ]
            """), ScimErrorType.InvalidSyntax);

        Assert.Contains("Operations[1]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "Operations": [ { "op": "add", "path": "title", "value": "x" } ] }""")]
    [InlineData("""{ "schemas": [], "Operations": [ { "op": "add", "path": "title", "value": "x" } ] }""")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "Operations": [ { "op": "add", "path": "title", "value": "x" } ] }""")]
    [InlineData("""{ "schemas": "urn:ietf:params:scim:api:messages:2.0:PatchOp", "Operations": [ { "op": "add", "path": "title", "value": "x" } ] }""")]
    public void Body_without_the_PatchOp_schema_is_an_invalidSyntax_error(string json)
    {
        AssertError(JsonNode.Parse(json)!.AsObject(), ScimErrorType.InvalidSyntax);
    }

    [Theory]
    [InlineData($$"""{ "schemas": ["{{PatchOp}}"] }""")]
    [InlineData($$"""{ "schemas": ["{{PatchOp}}"], "Operations": [] }""")]
    [InlineData($$"""{ "schemas": ["{{PatchOp}}"], "Operations": null }""")]
    [InlineData($$"""{ "schemas": ["{{PatchOp}}"], "Operations": { "op": "add", "path": "title", "value": "x" } }""")]
    public void Missing_or_empty_Operations_is_an_invalidSyntax_error(string json)
    {
        AssertError(JsonNode.Parse(json)!.AsObject(), ScimErrorType.InvalidSyntax);
    }

    [Fact]
    public void Operation_that_is_not_an_object_is_an_invalidSyntax_error()
    {
        AssertError(Body("""[ "replace" ]"""), ScimErrorType.InvalidSyntax);
    }

    [Theory]
    [InlineData("""{ "op": "remove" }""")]
    [InlineData("""{ "op": "Remove", "value": [ { "value": "2819c223" } ] }""")]
    [InlineData("""{ "op": "remove", "path": "" }""")]
    [InlineData("""{ "op": "remove", "path": "   " }""")]
    public void Remove_without_a_path_is_a_noTarget_error(string operation)
    {
        AssertError(Body($"[{operation}]"), ScimErrorType.NoTarget);
    }

    [Theory]
    [InlineData("add", "\"Tour Guides\"")]
    [InlineData("Add", "[ { \"value\": \"2819c223\" } ]")]
    [InlineData("replace", "false")]
    [InlineData("Replace", "null")]
    public void Path_less_add_or_replace_whose_value_is_not_an_object_is_an_invalidValue_error(string op, string value)
    {
        AssertError(Body($$"""[{ "op": "{{op}}", "value": {{value}} }]"""), ScimErrorType.InvalidValue);
    }

    [Fact]
    public void Path_less_add_or_replace_without_a_value_is_an_invalidValue_error()
    {
        AssertError(Body("""[{ "op": "replace" }]"""), ScimErrorType.InvalidValue);
    }

    [Fact]
    public void Okta_path_less_replace_with_an_object_value_is_accepted()
    {
        var operation = Assert.Single(PatchRequest.Parse(Body("""[{ "op": "replace", "value": { "active": false } }]""")));

        Assert.Equal(PatchOperationType.Replace, operation.Type);
        Assert.Null(operation.Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "active": false }"""), operation.Value));
    }

    [Fact]
    public void Path_that_is_not_a_string_is_an_invalidPath_error()
    {
        AssertError(Body("""[{ "op": "replace", "path": 42, "value": "x" }]"""), ScimErrorType.InvalidPath);
    }

    [Fact]
    public void Exactly_MaxOperations_operations_are_accepted()
    {
        var operations = PatchRequest.Parse(Body(ManyOperations(PatchRequest.MaxOperations)));

        Assert.Equal(PatchRequest.MaxOperations, operations.Count);
    }

    [Fact]
    public void More_than_MaxOperations_operations_is_a_tooMany_error()
    {
        var error = AssertError(Body(ManyOperations(PatchRequest.MaxOperations + 1)), ScimErrorType.TooMany);

        Assert.Contains(PatchRequest.MaxOperations.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    private static string ManyOperations(int count) =>
        "[" + string.Join(",", Enumerable.Repeat("""{ "op": "add", "path": "members", "value": [ { "value": "u1" } ] }""", count)) + "]";

    private static JsonObject Body(string operations) =>
        JsonNode.Parse($$"""{ "schemas": ["{{PatchOp}}"], "Operations": {{operations}} }""")!.AsObject();

    private static ScimException AssertError(JsonObject body, string scimType)
    {
        var error = Assert.Throws<ScimException>(() => PatchRequest.Parse(body));
        Assert.Equal((400, scimType), (error.Status, error.ScimType));
        return error;
    }
}
