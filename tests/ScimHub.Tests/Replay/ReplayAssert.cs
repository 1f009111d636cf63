using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Replay;

/// <summary>What every identity provider checks on a SCIM answer: status, media type and the shape of the body.</summary>
internal static class ReplayAssert
{
    public const string ScimMediaType = "application/scim+json";
    public const string ListResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string EntraGroupSchema = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";

    /// <summary>A filter as an identity provider puts it in the query string (RFC 3986 percent-encoding).</summary>
    public static string Encode(string filter) => Uri.EscapeDataString(filter);

    /// <summary>The status and <c>application/scim+json</c>; returns the body, which must be a JSON object.</summary>
    public static JsonObject Scim(ScimResponse response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(response.Status == status, $"Expected HTTP {(int)status}, got {(int)response.Status}: {response.Body?.ToJsonString()}");
        Assert.Equal(ScimMediaType, response.ContentType);
        return Assert.IsType<JsonObject>(response.Body);
    }

    /// <summary>204 No Content and no body at all.</summary>
    public static void NoContent(ScimResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(response.Status == HttpStatusCode.NoContent, $"Expected HTTP 204, got {(int)response.Status}: {response.Body?.ToJsonString()}");
        Assert.Null(response.Body);
    }

    /// <summary>
    /// A 200 ListResponse whose paging fields are JSON integers (OKTA-REF: "need to be exchanged as integers, not as
    /// strings") and whose Resources is a list, never null; returns the resources.
    /// </summary>
    public static JsonArray ListResponse(ScimResponse response, int totalResults, int startIndex = 1)
    {
        var body = Scim(response, HttpStatusCode.OK);
        Assert.Equal(ListResponseSchema, Text(Assert.IsType<JsonArray>(body["schemas"]).Single()));
        Assert.Equal(totalResults, Integer(body, "totalResults"));
        Assert.Equal(startIndex, Integer(body, "startIndex"));
        var resources = Assert.IsType<JsonArray>(body["Resources"]);
        Assert.Equal(resources.Count, Integer(body, "itemsPerPage"));
        return resources;
    }

    /// <summary>A member that must be a JSON number holding a whole number.</summary>
    public static int Integer(JsonObject body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        var value = body[name] as JsonValue;
        Assert.True(value is not null && value.GetValueKind() == JsonValueKind.Number, $"'{name}' must be a JSON integer; got {body[name]?.ToJsonString() ?? "nothing"}.");
        return value.GetValue<int>();
    }

    /// <summary>A member that must be a real JSON boolean (not the string "True").</summary>
    public static bool Bool(JsonNode? node, string name)
    {
        var value = node as JsonValue;
        Assert.True(value is not null && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False, $"'{name}' must be a JSON boolean; got {node?.ToJsonString() ?? "nothing"}.");
        return value.GetValue<bool>();
    }

    public static string? Text(JsonNode? node) => node?.GetValue<string>();

    /// <summary>The <c>value</c> of the email whose type is <paramref name="type"/>.</summary>
    public static string? Email(JsonNode user, string type)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user["emails"]?.AsArray().SingleOrDefault(e => Text(e?["type"]) == type)?["value"]?.GetValue<string>();
    }

    /// <summary>The Enterprise User extension object of a user, or null.</summary>
    public static JsonObject? Enterprise(JsonNode user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user[Bodies.EnterpriseSchema] as JsonObject;
    }

    public static IReadOnlyList<string> Schemas(JsonNode resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return Assert.IsType<JsonArray>(resource["schemas"]).Select(s => s!.GetValue<string>()).ToList();
    }

    /// <summary>The ids in a group's <c>members</c>, sorted.</summary>
    public static IReadOnlyList<string> MemberIds(JsonNode group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var members = Assert.IsType<JsonArray>(group["members"]);
        return members.Select(m => m!["value"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
    }

    public static string[] Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];

    /// <summary>meta.version of a resource (its ETag).</summary>
    public static string VersionOf(JsonNode resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource["meta"]!["version"]!.GetValue<string>();
    }

    /// <summary>The common shape of every resource Entra reads (MS-TUT "Get User"): id, schemas and meta.</summary>
    public static void Resource(JsonObject resource, string resourceType, string schema)
    {
        ArgumentNullException.ThrowIfNull(resource);
        Assert.False(string.IsNullOrEmpty(Text(resource["id"])));
        Assert.Contains(schema, Schemas(resource));
        var meta = Assert.IsType<JsonObject>(resource["meta"]);
        Assert.Equal(resourceType, Text(meta["resourceType"]));
        Assert.True(DateTimeOffset.TryParse(Text(meta["created"]), System.Globalization.CultureInfo.InvariantCulture, out _), "meta.created must be a date-time.");
        Assert.True(DateTimeOffset.TryParse(Text(meta["lastModified"]), System.Globalization.CultureInfo.InvariantCulture, out _), "meta.lastModified must be a date-time.");
    }

    /// <summary>True when any member anywhere in <paramref name="node"/> is named like <paramref name="name"/>.</summary>
    public static bool HasMemberNamed(JsonNode? node, string name) => node switch
    {
        JsonObject o => o.Any(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase) || HasMemberNamed(p.Value, name)),
        JsonArray a => a.Any(i => HasMemberNamed(i, name)),
        _ => false,
    };
}
