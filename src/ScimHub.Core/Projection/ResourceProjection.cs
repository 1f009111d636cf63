using System.Text.Json.Nodes;
using ScimHub.Core.Schemas;

namespace ScimHub.Core.Projection;

/// <summary>Applies the <c>returned</c> characteristics and an <see cref="AttributeSelection"/> to a stored resource.</summary>
public static class ResourceProjection
{
    /// <summary>Returns a new object holding what the client should see; the input is not changed.</summary>
    public static JsonObject Project(IEnumerable<KeyValuePair<string, JsonNode?>> resource, ResourceType type, AttributeSelection selection)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(selection);

        var result = new JsonObject();
        var schemas = new JsonArray();
        foreach (var (key, value) in resource)
        {
            if (key == "schemas" || value is null)
            {
                continue;
            }

            var extension = type.FindSchema(key);
            if (extension is not null && !ReferenceEquals(extension, type.Schema))
            {
                if (value is JsonObject extensionObject)
                {
                    var projected = ProjectObject(extensionObject, extension, extension.Attributes, selection);
                    if (projected.Count > 0)
                    {
                        result[key] = projected;
                        schemas.Add(extension.Id);
                    }
                }

                continue;
            }

            var definition = CommonAttributes.Find(key) ?? type.Schema.Find(key);
            if (definition is null)
            {
                continue;
            }

            var kept = ProjectAttribute(type.Schema, definition, value, selection);
            if (kept is not null)
            {
                result[key] = kept;
            }
        }

        schemas.Insert(0, type.Schema.Id);
        result.Insert(0, "schemas", schemas);
        return result;
    }

    private static JsonObject ProjectObject(JsonObject obj, SchemaDefinition schema, IReadOnlyList<AttributeDefinition> attributes, AttributeSelection selection)
    {
        var result = new JsonObject();
        foreach (var (key, value) in obj)
        {
            // Exactly as spelled: stored resources use the schema's spelling.
            var definition = AttributeDefinition.Named(attributes, key, StringComparison.Ordinal);
            var kept = definition is null || value is null ? null : ProjectAttribute(schema, definition, value, selection);
            if (kept is not null)
            {
                result[key] = kept;
            }
        }

        return result;
    }

    private static JsonNode? ProjectAttribute(SchemaDefinition schema, AttributeDefinition definition, JsonNode value, AttributeSelection selection)
    {
        if (definition.Returned == Returned.Never)
        {
            return null;
        }

        if (definition.Returned == Returned.Always)
        {
            return value.DeepClone();
        }

        if (selection.Included.Count > 0)
        {
            return ProjectIncluded(schema, definition, value, selection);
        }

        if (definition.Returned == Returned.Request)
        {
            return null;
        }

        // The common case (no excludedAttributes) looks nothing up per attribute, and its method makes no closure.
        return selection.Excluded.Count == 0 ? value.DeepClone() : ProjectExcluded(schema, definition, value, selection);
    }

    private static JsonNode? ProjectIncluded(SchemaDefinition schema, AttributeDefinition definition, JsonNode value, AttributeSelection selection)
    {
        var matches = selection.Included.Where(p => p.Attribute == definition && p.Schema == schema).ToList();
        if (matches.Count == 0)
        {
            return null;
        }

        if (matches.Any(p => p.SubAttribute is null) || definition.Type != AttributeType.Complex)
        {
            return value.DeepClone();
        }

        var wanted = matches.Select(p => p.SubAttribute!.Name).ToHashSet(StringComparer.Ordinal);
        return KeepSubAttributes(value, definition, name => wanted.Contains(name));
    }

    private static JsonNode? ProjectExcluded(SchemaDefinition schema, AttributeDefinition definition, JsonNode value, AttributeSelection selection)
    {
        var excluded = selection.Excluded.Where(p => p.Attribute == definition && p.Schema == schema).ToList();
        if (excluded.Any(p => p.SubAttribute is null))
        {
            return null;
        }

        if (excluded.Count == 0 || definition.Type != AttributeType.Complex)
        {
            return value.DeepClone();
        }

        var dropped = excluded.Select(p => p.SubAttribute!.Name).ToHashSet(StringComparer.Ordinal);
        return KeepSubAttributes(value, definition, name => !dropped.Contains(name));
    }

    private static JsonNode? KeepSubAttributes(JsonNode value, AttributeDefinition definition, Func<string, bool> keep)
    {
        JsonObject? Filter(JsonNode? item)
        {
            if (item is not JsonObject obj)
            {
                return null;
            }

            var kept = new JsonObject();
            foreach (var (key, sub) in obj)
            {
                var subDefinition = definition.FindSubAttribute(key);
                var always = subDefinition?.Returned == Returned.Always;
                if (sub is not null && (always || keep(key)) && subDefinition?.Returned != Returned.Never)
                {
                    kept[key] = sub.DeepClone();
                }
            }

            return kept.Count == 0 ? null : kept;
        }

        if (value is JsonArray array)
        {
            var list = new JsonArray();
            foreach (var item in array)
            {
                var kept = Filter(item);
                if (kept is not null)
                {
                    list.Add(kept);
                }
            }

            return list.Count == 0 ? null : list;
        }

        return Filter(value);
    }
}
