using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core.Schemas;

namespace ScimHub.Core.Projection;

/// <summary>
/// Writes a resource with the default attribute set (a request without <c>attributes</c> or
/// <c>excludedAttributes</c>) straight from its stored JSON: what <see cref="ResourceProjection.Project"/> returns for
/// <see cref="AttributeSelection.Default"/>, without parsing the stored attributes into a DOM and copying it. A kept
/// attribute's value is copied as stored (the store writes it with <see cref="ScimJsonOptions.Output"/>, as a
/// response would).
/// </summary>
public static class DefaultProjectionWriter
{
    /// <summary>
    /// Writes one resource object. <paramref name="before"/> (id) and <paramref name="after"/> (derived attributes
    /// such as groups, and meta) are the server's attributes around the stored ones; they must not repeat a stored name.
    /// </summary>
    public static void Write(
        Utf8JsonWriter writer,
        ResourceType type,
        IEnumerable<KeyValuePair<string, JsonNode?>> before,
        ReadOnlySpan<byte> stored,
        IEnumerable<KeyValuePair<string, JsonNode?>> after)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(type);
        var head = ResourceProjection.Project(before, type, AttributeSelection.Default);
        var tail = ResourceProjection.Project(after, type, AttributeSelection.Default);

        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(type.Schema.Id);
        foreach (var schema in ExtensionSchemas(head).Concat(StoredExtensions(stored, type)).Concat(ExtensionSchemas(tail)))
        {
            writer.WriteStringValue(schema);
        }

        writer.WriteEndArray();
        WriteMembers(writer, head);
        WriteStored(writer, type, stored);
        WriteMembers(writer, tail);
        writer.WriteEndObject();
    }

    /// <summary>The extensions of a projected object (its schemas after the core one).</summary>
    private static IEnumerable<string> ExtensionSchemas(JsonObject projected) =>
        projected["schemas"]!.AsArray().Skip(1).Select(s => s!.GetValue<string>());

    private static void WriteMembers(Utf8JsonWriter writer, JsonObject projected)
    {
        foreach (var (key, value) in projected)
        {
            if (key != "schemas")
            {
                writer.WritePropertyName(key);
                value!.WriteTo(writer, ScimJsonOptions.Output);
            }
        }
    }

    /// <summary>The stored extensions that keep at least one attribute, in stored order.</summary>
    private static List<string> StoredExtensions(ReadOnlySpan<byte> stored, ResourceType type)
    {
        var schemas = new List<string>();
        var reader = new Utf8JsonReader(stored);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (ExtensionOf(type, key) is { } extension && reader.TokenType == JsonTokenType.StartObject)
            {
                if (KeepsAny(ref reader, extension))
                {
                    schemas.Add(extension.Id);
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return schemas;
    }

    private static void WriteStored(Utf8JsonWriter writer, ResourceType type, ReadOnlySpan<byte> stored)
    {
        var reader = new Utf8JsonReader(stored);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (key == "schemas" || reader.TokenType == JsonTokenType.Null)
            {
                reader.Skip();
                continue;
            }

            if (ExtensionOf(type, key) is { } extension)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                var copy = reader;
                if (KeepsAny(ref copy, extension))
                {
                    writer.WritePropertyName(key);
                    WriteExtension(writer, ref reader, extension, stored);
                }
                else
                {
                    reader.Skip();
                }

                continue;
            }

            var definition = CommonAttributes.Find(key) ?? type.Schema.Find(key);
            if (definition is not null && Kept(definition))
            {
                writer.WritePropertyName(key);
                CopyValue(writer, ref reader, stored);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>The members of an extension object that the default set keeps; the reader is on its StartObject.</summary>
    private static void WriteExtension(Utf8JsonWriter writer, ref Utf8JsonReader reader, SchemaDefinition extension, ReadOnlySpan<byte> stored)
    {
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (ExtensionAttribute(extension, key) is { } definition && reader.TokenType != JsonTokenType.Null && Kept(definition))
            {
                writer.WritePropertyName(key);
                CopyValue(writer, ref reader, stored);
            }
            else
            {
                reader.Skip();
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>True when an extension object keeps a member; reads to its EndObject.</summary>
    private static bool KeepsAny(ref Utf8JsonReader reader, SchemaDefinition extension)
    {
        var any = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            any |= reader.TokenType != JsonTokenType.Null && ExtensionAttribute(extension, key) is { } definition && Kept(definition);
            reader.Skip();
        }

        return any;
    }

    /// <summary>Copies the value the reader is on, as stored, and moves past it.</summary>
    private static void CopyValue(Utf8JsonWriter writer, ref Utf8JsonReader reader, ReadOnlySpan<byte> stored)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        writer.WriteRawValue(stored[start..(int)reader.BytesConsumed], skipInputValidation: true);
    }

    private static SchemaDefinition? ExtensionOf(ResourceType type, string key) =>
        type.FindSchema(key) is { } schema && !ReferenceEquals(schema, type.Schema) ? schema : null;

    /// <summary>An extension's attribute by its exact name, as <see cref="ResourceProjection"/> looks it up.</summary>
    private static AttributeDefinition? ExtensionAttribute(SchemaDefinition extension, string key) =>
        extension.Attributes.FirstOrDefault(a => a.Name == key);

    /// <summary>The default set: everything but returned "never" and "request".</summary>
    private static bool Kept(AttributeDefinition definition) => definition.Returned is not (Returned.Never or Returned.Request);
}
