using System.Text.Json.Nodes;
using ScimHub.Core;
using ScimHub.Core.Errors;
using ScimHub.Core.Schemas;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Server.Scim;

/// <summary>/ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7643 §5-7, RFC 7644 §4).</summary>
internal static class ScimDiscoveryApi
{
    /// <summary>The directory's resource types: its User type carries the hub's extension when it has custom attributes.</summary>
    private static ResourceType[] Types(ScimRequest scim) => [scim.UserType, CoreSchemas.GroupType];

    private static IEnumerable<SchemaDefinition> Schemas(ScimRequest scim) => [.. scim.UserType.AllSchemas, CoreSchemas.Group];

    public static RouteGroupBuilder MapScimDiscovery(this RouteGroupBuilder scim)
    {
        scim.MapGet("/ServiceProviderConfig", (HttpContext context) => ScimJson.Write(200, ServiceProviderConfig(ScimRequest.From(context).BaseUrl)));
        scim.MapGet("/ResourceTypes", (HttpContext context) =>
        {
            var request = ScimRequest.From(context);
            return ScimJson.Write(200, List(Types(request).Select(t => ResourceTypeResource(t, request.BaseUrl))));
        });
        scim.MapGet("/ResourceTypes/{name}", (string name, HttpContext context) =>
        {
            var request = ScimRequest.From(context);
            var type = Types(request).FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw ScimException.NotFound($"Resource type '{name}' not found; this hub has User and Group.");
            return ScimJson.Write(200, ResourceTypeResource(type, request.BaseUrl));
        });
        scim.MapGet("/Schemas", (HttpContext context) =>
        {
            var request = ScimRequest.From(context);
            return ScimJson.Write(200, List(Schemas(request).Select(s => SchemaResource(s, request.BaseUrl))));
        });
        scim.MapGet("/Schemas/{id}", (string id, HttpContext context) =>
        {
            var request = ScimRequest.From(context);
            var schema = Schemas(request).FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase))
                ?? throw ScimException.NotFound($"Schema '{id}' not found.");
            return ScimJson.Write(200, SchemaResource(schema, request.BaseUrl));
        });
        return scim;
    }

    private static JsonObject List(IEnumerable<JsonObject> resources)
    {
        var list = new JsonArray(resources.Select(r => (JsonNode)r).ToArray());
        return new JsonObject
        {
            ["schemas"] = new JsonArray(ScimConstants.ListResponse),
            ["totalResults"] = list.Count,
            ["startIndex"] = 1,
            ["itemsPerPage"] = list.Count,
            ["Resources"] = list,
        };
    }

    private static JsonObject ServiceProviderConfig(string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(ScimConstants.ServiceProviderConfigSchema),
        ["documentationUri"] = "https://github.com/scimhub/scimhub#readme",
        ["patch"] = new JsonObject { ["supported"] = true },
        ["bulk"] = new JsonObject { ["supported"] = true, ["maxOperations"] = ScimBulkApi.MaxOperations, ["maxPayloadSize"] = ScimJson.MaxPayloadSize },
        ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = ListQuery.MaxCount },
        ["changePassword"] = new JsonObject { ["supported"] = false },
        ["sort"] = new JsonObject { ["supported"] = true },
        ["etag"] = new JsonObject { ["supported"] = true },
        ["authenticationSchemes"] = new JsonArray(new JsonObject
        {
            ["type"] = "oauthbearertoken",
            ["name"] = "OAuth Bearer Token",
            ["description"] = "Authentication with the app's bearer token (scimhub apps create / apps tokens rotate).",
            ["specUri"] = "https://www.rfc-editor.org/info/rfc6750",
            ["primary"] = true,
        }),
        ["meta"] = new JsonObject { ["resourceType"] = "ServiceProviderConfig", ["location"] = $"{baseUrl}/ServiceProviderConfig" },
    };

    private static JsonObject ResourceTypeResource(ResourceType type, string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(ScimConstants.ResourceTypeSchema),
        ["id"] = type.Name,
        ["name"] = type.Name,
        ["endpoint"] = type.Endpoint,
        ["description"] = type.Description,
        ["schema"] = type.Schema.Id,
        ["schemaExtensions"] = new JsonArray(type.Extensions.Select(e => (JsonNode)new JsonObject { ["schema"] = e.Schema.Id, ["required"] = e.Required }).ToArray()),
        ["meta"] = new JsonObject { ["resourceType"] = "ResourceType", ["location"] = $"{baseUrl}/ResourceTypes/{type.Name}" },
    };

    private static JsonObject SchemaResource(SchemaDefinition schema, string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(ScimConstants.SchemaSchema),
        ["id"] = schema.Id,
        ["name"] = schema.Name,
        ["description"] = schema.Description,
        ["attributes"] = new JsonArray(schema.Attributes.Select(a => (JsonNode)Attribute(a)).ToArray()),
        ["meta"] = new JsonObject { ["resourceType"] = "Schema", ["location"] = $"{baseUrl}/Schemas/{schema.Id}" },
    };

    private static JsonObject Attribute(AttributeDefinition a)
    {
        var json = new JsonObject
        {
            ["name"] = a.Name,
            ["type"] = a.Type == AttributeType.DateTime ? "dateTime" : a.Type.ToString().ToLowerInvariant(),
            ["multiValued"] = a.MultiValued,
            ["description"] = a.Description,
            ["required"] = a.Required,
            ["caseExact"] = a.CaseExact,
            ["mutability"] = a.Mutability switch
            {
                Mutability.ReadOnly => "readOnly",
                Mutability.WriteOnly => "writeOnly",
                Mutability.Immutable => "immutable",
                _ => "readWrite",
            },
            ["returned"] = a.Returned.ToString().ToLowerInvariant(),
            ["uniqueness"] = a.Uniqueness.ToString().ToLowerInvariant(),
        };
        if (a.CanonicalValues.Count > 0)
        {
            json["canonicalValues"] = new JsonArray(a.CanonicalValues.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        }

        if (a.ReferenceTypes.Count > 0)
        {
            json["referenceTypes"] = new JsonArray(a.ReferenceTypes.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        }

        if (a.SubAttributes.Count > 0)
        {
            json["subAttributes"] = new JsonArray(a.SubAttributes.Select(s => (JsonNode)Attribute(s)).ToArray());
        }

        return json;
    }
}
