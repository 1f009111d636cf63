using System.Text.Json.Nodes;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>
/// Bad input must never be a 5xx. Valid Entra and Okta requests are mutated at random (fixed seeds, so a failure
/// replays): values swapped for other JSON types, keys dropped, renamed or added, deep nesting, odd strings. Every
/// answer must be below 500 and, when an error, an RFC 7644 error body.
/// </summary>
public sealed class NoServerErrorTests(HubFactory hub)
{
    private static readonly string[] OddStrings =
    [
        "", " ", "\u0000", "ünïcödé 😀", "\"quoted\"", "bulkId:nowhere", "urn:ietf:params:scim:schemas:core:2.0:User",
        "2026-13-45T99:99:99Z", "True", "NaN", "members[value eq \"x\"]", "emails[type eq \"work\"].value", new string('z', 3000),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Mutated_requests_never_get_a_server_error(int seed)
    {
        var random = new Random(seed);
        var scim = await hub.NewAppAsync();
        var userId = await scim.CreateUserAsync(Bodies.Unique("fuzz"));
        var groupId = await scim.CreateGroupAsync(Bodies.Unique("Fuzz"));
        var templates = new (HttpMethod Method, string Path, string Body)[]
        {
            (HttpMethod.Post, "/Users", Bodies.User(Bodies.Unique("f"), """ "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "x", "manager": { "value": "m" } } """)),
            (HttpMethod.Put, $"/Users/{userId}", Bodies.User(Bodies.Unique("f"))),
            (HttpMethod.Patch, $"/Users/{userId}", Bodies.Patch("""
                { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "a@b.c" },
                { "op": "replace", "value": { "name.givenName": "G", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "7", "active": "False" } },
                { "op": "Add", "path": "roles", "value": [{ "value": "r", "primary": "True" }] }
                """)),
            (HttpMethod.Post, "/Groups", Bodies.Group(Bodies.Unique("g"), Bodies.Member(userId))),
            (HttpMethod.Patch, $"/Groups/{groupId}", Bodies.Patch($$"""
                { "op": "Add", "path": "members", "value": [{ "value": "{{userId}}" }] },
                { "op": "remove", "path": "members[value eq \"{{userId}}\"]" },
                { "op": "replace", "value": { "id": "{{groupId}}", "displayName": "{{Bodies.Unique("renamed")}}" } }
                """)),
            (HttpMethod.Post, "/.search", """{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "userName sw \"f\" and emails[type eq \"work\"]", "sortBy": "userName", "startIndex": 1, "count": 5, "attributes": ["userName"] }"""),
            (HttpMethod.Post, "/Bulk", $$"""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "failOnErrors": 2, "Operations": [{ "method": "POST", "path": "/Users", "bulkId": "a", "data": {{Bodies.User(Bodies.Unique("b"))}} }, { "method": "PATCH", "path": "/Groups/{{groupId}}", "data": { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{ "op": "add", "path": "members", "value": [{ "value": "bulkId:a" }] }] } }] }"""),
        };

        for (var i = 0; i < 60; i++)
        {
            var (method, path, body) = templates[random.Next(templates.Length)];
            var node = JsonNode.Parse(body)!;
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                node = Mutate(node, random);
            }

            var sent = node.ToJsonString();
            var response = await scim.SendAsync(method, path, sent);

            Assert.True((int)response.Status < 500, $"{method} {path} with {sent} got {(int)response.Status}: {response.Body?.ToJsonString()}");
            if ((int)response.Status >= 400)
            {
                Assert.Equal("application/scim+json", response.ContentType);
            }
        }
    }

    [Theory]
    [InlineData("filter", 1)]
    [InlineData("sortBy", 2)]
    [InlineData("attributes", 3)]
    [InlineData("startIndex", 4)]
    public async Task Odd_query_parameters_never_get_a_server_error(string parameter, int seed)
    {
        var random = new Random(seed);
        var scim = await hub.NewAppAsync();
        await scim.CreateUserAsync(Bodies.Unique("q"));
        string[] pieces = ["userName", "eq", "\"x\"", "(", ")", "[", "]", "and", "or", "not", "pr", "emails", ".", "value", "meta.created", "gt", "\"2026-01-01\"", "true", "null", "42", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", ",", "\"", "\\", "members", "-1", "99999999999999999999"];

        for (var i = 0; i < 40; i++)
        {
            var value = string.Join(random.Next(2) == 0 ? " " : "", Enumerable.Range(0, random.Next(1, 8)).Select(_ => pieces[random.Next(pieces.Length)]));
            var response = await scim.GetAsync($"/Users?{parameter}={Uri.EscapeDataString(value)}");

            Assert.True((int)response.Status < 500, $"{parameter}={value} got {(int)response.Status}: {response.Body?.ToJsonString()}");
        }
    }

    private static JsonNode Mutate(JsonNode root, Random random)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[random.Next(nodes.Count)];
        var replacement = RandomValue(random);
        if (target.Parent is JsonObject parent)
        {
            var key = target.GetPropertyName();
            switch (random.Next(4))
            {
                case 0:
                    parent.Remove(key);
                    break;
                case 1:
                    parent.Remove(key);
                    parent[random.Next(2) == 0 ? key.ToUpperInvariant() : key + "X"] = replacement;
                    break;
                default:
                    parent[key] = replacement;
                    break;
            }

            return root;
        }

        if (target.Parent is JsonArray array)
        {
            array[target.GetElementIndex()] = replacement;
            return root;
        }

        return random.Next(2) == 0 ? replacement ?? new JsonObject() : root;
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
        }
    }

    private static JsonNode? RandomValue(Random random) => random.Next(9) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.Next(-5, 5) * 1e300 / (random.Next(2) == 0 ? 1 : 1e300)),
        3 => JsonValue.Create(OddStrings[random.Next(OddStrings.Length)]),
        4 => new JsonArray(),
        5 => new JsonObject(),
        6 => new JsonArray(JsonValue.Create(OddStrings[random.Next(OddStrings.Length)]), new JsonObject { ["value"] = null }),
        7 => new JsonObject { ["value"] = new JsonArray(new JsonObject()), ["primary"] = "yes" },
        _ => Deep(random.Next(5, 80)),
    };

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonObject { ["value"] = "deep" };
        for (var i = 0; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["x"] = node };
        }

        return node;
    }
}
