using System.Net;
using System.Text;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>Every kind of bad input gets a 4xx RFC 7644 error with a scimType, never a 5xx, and writes nothing.</summary>
public sealed class BadInputTests(HubFactory hub)
{
    [Theory]
    [InlineData("{ \"schemas\": [", "invalidSyntax")]
    [InlineData("[1, 2, 3]", "invalidSyntax")]
    [InlineData("\"just a string\"", "invalidSyntax")]
    [InlineData("{ \"userName\": \"no-schemas\" }", "invalidSyntax")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:Group\"], \"userName\": \"x\" }", "invalidValue")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"] }", "invalidValue")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"userName\": 42 }", "invalidValue")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"userName\": \"x\", \"active\": \"maybe\" }", "invalidValue")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"userName\": \"x\", \"UserNme\": \"typo\" }", "invalidSyntax")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"userName\": \"x\", \"name\": \"not an object\" }", "invalidValue")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"userName\": \"x\", \"emails\": [{\"value\": \"a@x\", \"primary\": true}, {\"value\": \"b@x\", \"primary\": true}] }", "invalidValue")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"userName\": \"x\", \"urn:example:unknown:2.0:User\": {} }", "invalidSyntax")]
    public async Task Bad_user_bodies_are_400_with_a_scimType(string body, string scimType)
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.PostAsync("/Users", body);

        response.AssertError(HttpStatusCode.BadRequest, scimType);
        Assert.Equal(0, (await scim.GetAsync("/Users")).TotalResults);
    }

    [Theory]
    [InlineData("userName eqq \"x\"")]
    [InlineData("userName eq")]
    [InlineData("(userName eq \"x\"")]
    [InlineData("userName eq \"unterminated")]
    [InlineData("noSuchAttribute eq \"x\"")]
    [InlineData("active gt true")]
    [InlineData("meta.created gt \"not a date\"")]
    [InlineData("emails[type eq \"work\"")]
    [InlineData("name eq \"x\"")]
    public async Task Bad_filters_are_400_invalidFilter(string filter)
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString(filter)}");

        response.AssertError(HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Fact]
    public async Task Too_long_and_too_deep_filters_are_400_invalidFilter()
    {
        var scim = await hub.NewAppAsync();
        var deep = string.Concat(Enumerable.Repeat("(", 200)) + "userName eq \"x\"" + string.Concat(Enumerable.Repeat(")", 200));
        var longFilter = "userName eq \"" + new string('a', 5000) + "\"";

        var tooDeep = await scim.PostAsync("/Users/.search", $$"""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "{{deep.Replace("\"", "\\\"", StringComparison.Ordinal)}}" }""");
        var tooLong = await scim.PostAsync("/Users/.search", $$"""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "{{longFilter.Replace("\"", "\\\"", StringComparison.Ordinal)}}" }""");

        tooDeep.AssertError(HttpStatusCode.BadRequest, "invalidFilter");
        tooLong.AssertError(HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Theory]
    [InlineData("startIndex=abc")]
    [InlineData("count=1.5")]
    [InlineData("sortOrder=sideways")]
    [InlineData("sortBy=phoneNumbers.value")]
    [InlineData("sortBy=name")]
    [InlineData("attributes=userName&excludedAttributes=emails")]
    [InlineData("attributes=nonsense")]
    public async Task Bad_list_parameters_are_400(string query)
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.GetAsync($"/Users?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/scim+json", response.ContentType);
        Assert.NotNull(response.ScimType);
    }

    [Theory]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"], \"Operations\": [{ \"op\": \"merge\", \"path\": \"title\", \"value\": \"x\" }] }", "invalidSyntax")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"], \"Operations\": [] }", "invalidSyntax")]
    [InlineData("{ \"Operations\": [{ \"op\": \"replace\", \"path\": \"title\", \"value\": \"x\" }] }", "invalidSyntax")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"], \"Operations\": [{ \"op\": \"remove\" }] }", "noTarget")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"], \"Operations\": [{ \"op\": \"replace\", \"path\": \"nope\", \"value\": \"x\" }] }", "invalidPath")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"], \"Operations\": [{ \"op\": \"replace\", \"path\": \"emails[type eq\", \"value\": \"x\" }] }", "invalidPath")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"], \"Operations\": [{ \"op\": \"replace\", \"path\": \"id\", \"value\": \"x\" }] }", "mutability")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"], \"Operations\": [{ \"op\": \"replace\", \"path\": \"active\", \"value\": \"perhaps\" }] }", "invalidValue")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"], \"Operations\": [{ \"op\": \"remove\", \"path\": \"userName\" }] }", "invalidValue")]
    public async Task Bad_patches_are_400_and_change_nothing(string body, string scimType)
    {
        var scim = await hub.NewAppAsync();
        var id = await scim.CreateUserAsync(Bodies.Unique("patchme"));
        var before = await scim.GetAsync($"/Users/{id}");

        var response = await scim.PatchAsync($"/Users/{id}", body);

        response.AssertError(HttpStatusCode.BadRequest, scimType);
        var after = await scim.GetAsync($"/Users/{id}");
        Assert.Equal(before.Body!.ToJsonString(), after.Body!.ToJsonString());
    }

    [Fact]
    public async Task A_patch_whose_last_operation_fails_applies_none_of_its_operations()
    {
        var scim = await hub.NewAppAsync();
        var id = await scim.CreateUserAsync(Bodies.Unique("atomic"));

        var response = await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""
            { "op": "replace", "path": "title", "value": "Changed" },
            { "op": "replace", "path": "displayName", "value": "Changed" },
            { "op": "replace", "path": "active", "value": 17 }
            """));

        response.AssertError(HttpStatusCode.BadRequest, "invalidValue");
        var after = await scim.GetAsync($"/Users/{id}");
        Assert.Null(after.Body!["title"]);
        Assert.Equal("W/\"1\"", after.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var scim = await hub.NewAppAsync();
        var huge = $$"""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "big", "title": "{{new string('x', 5 * 1024 * 1024)}}" }""";

        var response = await scim.PostAsync("/Users", huge);

        response.AssertError(HttpStatusCode.RequestEntityTooLarge, null);
    }

    [Fact]
    public async Task An_unknown_path_under_the_base_url_is_a_scim_404()
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.GetAsync("/Nonsense");

        response.AssertError(HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Duplicate_member_names_in_a_body_are_400_invalidSyntax()
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.PostAsync("/Users", """{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "a", "userName": "b" }""");

        response.AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Theory]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"userName\": \"nul\", \"title\": \"a\\u0000b\" }", "invalidValue")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"userName\": \"\\uD800\" }", "invalidSyntax")]
    [InlineData("{ \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"userName\": \"ok\", \"ti\\u0000tle\": \"x\" }", "invalidValue")]
    public async Task Strings_no_database_can_keep_are_400(string body, string scimType)
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.PostAsync("/Users", body);

        response.AssertError(HttpStatusCode.BadRequest, scimType);
    }

    [Fact]
    public async Task A_string_that_is_not_utf8_is_400_invalidSyntax()
    {
        var scim = await hub.NewAppAsync();
        // "bad-" then 0xC3 0x28: a lead byte followed by one that cannot continue it.
        byte[] body = [.. Encoding.UTF8.GetBytes("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bad-"""), 0xC3, 0x28, .. "\" }"u8];

        var response = await scim.SendAsync(HttpMethod.Post, "/Users", null, configure: request =>
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/scim+json") } });

        response.AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Theory]
    [InlineData("\"emails\": [{ \"value\": \"a\\u0000@example.com\" }]", "emails[0].value")]
    [InlineData("\"name\": { \"givenName\": \"A\\u0000\" }", "name.givenName")]
    [InlineData("\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\": { \"manager\": { \"value\": \"\\u0000\" } }", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager.value")]
    public async Task A_nul_deep_in_a_body_is_named_by_its_path(string member, string path)
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.PostAsync("/Users", $$"""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{{Bodies.Unique("nul")}}", {{member}} }""");

        response.AssertError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains($"'{path}'", response.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("userName")]
    [InlineData("externalId")]
    [InlineData("displayName")]
    public async Task Indexed_values_over_1024_bytes_are_400_invalidValue(string attribute)
    {
        var scim = await hub.NewAppAsync();
        var random = new Random(7);
        var huge = new string(Enumerable.Range(0, 3200).Select(_ => (char)random.Next('!', '~')).Where(c => c is not ('"' or '\\')).ToArray());
        var body = attribute == "userName"
            ? $$"""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{{huge}}" }"""
            : $$"""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{{Bodies.Unique("long")}}", "{{attribute}}": "{{huge}}" }""";

        var response = await scim.PostAsync("/Users", body);

        response.AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }

    // (A %00 in the path itself never reaches the hub: Kestrel refuses such a request line with its own 400.)
    [Theory]
    [InlineData("/Users?filter=userName%20eq%20%22a%5Cu0000b%22")]
    [InlineData("/Users?filter=title%20eq%20%22a%5Cu0000b%22")]
    public async Task A_nul_character_in_a_filter_is_never_a_server_error(string path)
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.GetAsync(path);

        Assert.True((int)response.Status is >= 200 and < 500, $"{path}: {(int)response.Status} {response.Body?.ToJsonString()}");
        Assert.Equal("application/scim+json", response.ContentType);
    }

    [Fact]
    public async Task Me_answers_501()
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.GetAsync("/Me");

        response.AssertError(HttpStatusCode.NotImplemented, null);
    }

    [Fact]
    public async Task Body_sent_as_plain_json_is_accepted()
    {
        var scim = await hub.NewAppAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, scim.BasePath + "/Users")
        {
            Content = new StringContent(Bodies.User(Bodies.Unique("plain")), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", scim.Token);

        using var response = await scim.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
