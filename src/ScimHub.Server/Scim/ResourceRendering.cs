using System.Globalization;
using System.Text.Json.Nodes;
using ScimHub.Core;
using ScimHub.Core.Projection;
using ScimHub.Core.Schemas;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Server.Scim;

/// <summary>Turns stored resources into what a client reads: id and meta added, then projected.</summary>
internal static class ResourceRendering
{
    public static JsonObject Render(StoredResource resource, ResourceType type, string baseUrl, AttributeSelection selection) =>
        ResourceProjection.Project(WithIdAndMeta(resource, type, baseUrl), type, selection);

    /// <summary>The stored attributes with id and meta, as the projection reads them (it copies what it keeps).</summary>
    private static IEnumerable<KeyValuePair<string, JsonNode?>> WithIdAndMeta(StoredResource resource, ResourceType type, string baseUrl)
    {
        yield return new("id", resource.Id);
        foreach (var attribute in resource.Attributes)
        {
            yield return attribute;
        }

        yield return new("meta", new JsonObject
        {
            ["resourceType"] = type.Name,
            ["created"] = Format(resource.Created),
            ["lastModified"] = Format(resource.LastModified),
            ["location"] = Location(baseUrl, type, resource.Id),
            ["version"] = resource.ETag,
        });
    }

    public static string Location(string baseUrl, ResourceType type, string id) => $"{baseUrl}{type.Endpoint}/{Uri.EscapeDataString(id)}";

    public static JsonObject ListResponse(ResourcePage page, IEnumerable<JsonObject> resources)
    {
        var list = new JsonArray(resources.Select(r => (JsonNode)r).ToArray());
        return new JsonObject
        {
            ["schemas"] = new JsonArray(ScimConstants.ListResponse),
            ["totalResults"] = page.TotalResults,
            ["startIndex"] = page.StartIndex,
            ["itemsPerPage"] = list.Count,
            ["Resources"] = list,
        };
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
