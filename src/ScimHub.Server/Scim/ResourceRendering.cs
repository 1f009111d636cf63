using System.Buffers;
using System.Text;
using System.Text.Json;
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

        yield return new("meta", Meta(type, baseUrl, resource.Id, Timestamps.Format(resource.Created), Timestamps.Format(resource.LastModified), resource.ETag));
    }

    /// <summary>The meta attribute; times in the stored form (<see cref="Timestamps"/>), which is RFC 3339 UTC.</summary>
    private static JsonObject Meta(ResourceType type, string baseUrl, string id, string created, string lastModified, string etag) => new()
    {
        ["resourceType"] = type.Name,
        ["created"] = created,
        ["lastModified"] = lastModified,
        ["location"] = Location(baseUrl, type, id),
        ["version"] = etag,
    };

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

    /// <summary>
    /// The same ListResponse as <see cref="ListResponse"/> of the rendered resources, written as it is read: with the
    /// default attributes, each resource goes from its stored JSON to the response without being parsed.
    /// </summary>
    public static void WriteListResponse(Utf8JsonWriter writer, StoredJsonPage page, ResourceType type, string baseUrl, AttributeSelection selection)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimConstants.ListResponse);
        writer.WriteEndArray();
        writer.WriteNumber("totalResults", page.TotalResults);
        writer.WriteNumber("startIndex", page.StartIndex);
        writer.WriteNumber("itemsPerPage", page.Resources.Count);
        writer.WriteStartArray("Resources");
        foreach (var resource in page.Resources)
        {
            if (selection.IsDefault)
            {
                WriteDefault(writer, resource, type, baseUrl);
            }
            else
            {
                Render(resource.Parse(), type, baseUrl, selection).WriteTo(writer, ScimJsonOptions.Output);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteDefault(Utf8JsonWriter writer, StoredJson resource, ResourceType type, string baseUrl)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(resource.Attributes.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(resource.Attributes, buffer);
            var meta = Meta(type, baseUrl, resource.Id, resource.Created, resource.LastModified, resource.ETag);
            DefaultProjectionWriter.Write(writer, type, [new("id", resource.Id)], buffer.AsSpan(0, length), [.. resource.Derived, new("meta", meta)]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
