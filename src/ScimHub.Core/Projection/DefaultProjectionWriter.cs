using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core.Schemas;

namespace ScimHub.Core.Projection;

/// <summary>
/// Writes a resource with the default attribute set (a request without <c>attributes</c> or
/// <c>excludedAttributes</c>) straight from its stored JSON: what <see cref="ResourceProjection.Project"/> returns for
/// <see cref="AttributeSelection.Default"/>, byte for byte, without parsing the stored attributes into a DOM and
/// copying it. Kept values are copied token by token, so the output does not depend on how the store formatted them
/// (PostgreSQL's jsonb adds spaces; text written with another encoder escapes differently).
/// </summary>
public static class DefaultProjectionWriter
{
    /// <summary>What the default set does with each member name, worked out once per resource type.</summary>
    private static readonly ConditionalWeakTable<ResourceType, Plan> Plans = [];

    /// <summary>
    /// Writes one resource object. <paramref name="before"/> (id) and <paramref name="after"/> (derived attributes
    /// such as groups, and meta) are the server's attributes around the stored ones, core or common attributes; a
    /// stored member of the same name (the store keeps none) is left out.
    /// </summary>
    public static void Write(
        Utf8JsonWriter writer,
        ResourceType type,
        IReadOnlyList<KeyValuePair<string, JsonNode?>> before,
        ReadOnlySpan<byte> stored,
        IReadOnlyList<KeyValuePair<string, JsonNode?>> after)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(type);
        var plan = Plans.GetValue(type, t => new Plan(t));
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(type.Schema.Id);
        var extensionsKeep = WriteStoredExtensionSchemas(writer, stored, plan);
        writer.WriteEndArray();
        WriteServerMembers(writer, before, plan);
        WriteStored(writer, stored, plan, extensionsKeep, before, after);
        WriteServerMembers(writer, after, plan);
        writer.WriteEndObject();
    }

    private static void WriteServerMembers(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, JsonNode?>> members, Plan plan)
    {
        foreach (var (key, value) in members)
        {
            var member = plan.Of(key);
            if (member.Extension is not null)
            {
                throw new ArgumentException($"'{key}' is an extension; the server's attributes are core or common ones.", nameof(members));
            }

            if (value is not null && member.Kept)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer, ScimJsonOptions.Output);
            }
        }
    }

    /// <summary>
    /// Writes the schema of each stored extension that keeps at least one attribute, in stored order, and returns
    /// for each stored extension object whether it keeps any (<see cref="WriteStored"/> meets them in the same order).
    /// </summary>
    private static List<bool> WriteStoredExtensionSchemas(Utf8JsonWriter writer, ReadOnlySpan<byte> stored, Plan plan)
    {
        var keeps = new List<bool>();
        var reader = new Utf8JsonReader(stored);
        Span<char> buffer = stackalloc char[NameBuffer];
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = plan.Of(Name(in reader, buffer));
            reader.Read();
            if (member.Extension is { } extension && reader.TokenType == JsonTokenType.StartObject)
            {
                keeps.Add(KeepsAny(ref reader, extension));
                if (keeps[^1])
                {
                    writer.WriteStringValue(extension.Schema.Id);
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return keeps;
    }

    private static void WriteStored(
        Utf8JsonWriter writer,
        ReadOnlySpan<byte> stored,
        Plan plan,
        List<bool> extensionsKeep,
        IReadOnlyList<KeyValuePair<string, JsonNode?>> before,
        IReadOnlyList<KeyValuePair<string, JsonNode?>> after)
    {
        var extensionObjects = 0;
        var reader = new Utf8JsonReader(stored);
        Span<char> buffer = stackalloc char[NameBuffer];
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = Name(in reader, buffer);
            var member = plan.Of(key);
            reader.Read();
            var extension = member.Extension is not null && reader.TokenType == JsonTokenType.StartObject && extensionsKeep[extensionObjects++] ? member.Extension : null;
            if (reader.TokenType == JsonTokenType.Null || !(member.Kept || extension is not null) || Names(before, key) || Names(after, key))
            {
                reader.Skip();
                continue;
            }

            writer.WritePropertyName(key);
            if (extension is null)
            {
                CopyValue(writer, ref reader);
            }
            else
            {
                WriteExtension(writer, ref reader, extension);
            }
        }
    }

    /// <summary>The members of an extension object that the default set keeps; the reader is on its StartObject.</summary>
    private static void WriteExtension(Utf8JsonWriter writer, ref Utf8JsonReader reader, Extension extension)
    {
        Span<char> buffer = stackalloc char[NameBuffer];
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = Name(in reader, buffer);
            reader.Read();
            if (reader.TokenType != JsonTokenType.Null && extension.Keeps(key))
            {
                writer.WritePropertyName(key);
                CopyValue(writer, ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>True when an extension object keeps a member; reads to its EndObject.</summary>
    private static bool KeepsAny(ref Utf8JsonReader reader, Extension extension)
    {
        Span<char> buffer = stackalloc char[NameBuffer];
        var any = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Once one member is kept, the rest are only read past.
            var keeps = !any && extension.Keeps(Name(in reader, buffer));
            reader.Read();
            any |= keeps && reader.TokenType != JsonTokenType.Null;
            reader.Skip();
        }

        return any;
    }

    /// <summary>Member names up to this long are read into a buffer on the stack, not into a string each.</summary>
    private const int NameBuffer = 256;

    /// <summary>
    /// The name of the member the reader is on, unescaped: copied into <paramref name="buffer"/> when it surely fits,
    /// else read as a string.
    /// </summary>
    private static ReadOnlySpan<char> Name(scoped in Utf8JsonReader reader, Span<char> buffer) =>
        // A name's characters are never more than its UTF-8 bytes (escaped or not), so this length check suffices.
        reader.ValueSpan.Length <= buffer.Length && !reader.HasValueSequence ? buffer[..reader.CopyString(buffer)] : reader.GetString();

    private static bool Names(IReadOnlyList<KeyValuePair<string, JsonNode?>> members, ReadOnlySpan<char> key)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (key.SequenceEqual(members[i].Key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Copies the value the reader is on, token by token, and leaves the reader on its last token.</summary>
    private static void CopyValue(Utf8JsonWriter writer, ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        CopyToken(writer, ref reader);
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        do
        {
            reader.Read();
            CopyToken(writer, ref reader);
        }
        while (reader.CurrentDepth > depth || reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray));
    }

    private static void CopyToken(Utf8JsonWriter writer, ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            case JsonTokenType.PropertyName when reader.ValueIsEscaped:
                writer.WritePropertyName(reader.GetString()!);
                break;
            case JsonTokenType.PropertyName:
                writer.WritePropertyName(reader.ValueSpan);
                break;
            case JsonTokenType.String when reader.ValueIsEscaped:
                writer.WriteStringValue(reader.GetString());
                break;
            case JsonTokenType.String:
                writer.WriteStringValue(reader.ValueSpan);
                break;
            case JsonTokenType.Number:
                // As written (1.50 stays 1.50), as the DOM writes a parsed number.
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True or JsonTokenType.False:
                writer.WriteBooleanValue(reader.TokenType == JsonTokenType.True);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>The default set: everything but returned "never" and "request".</summary>
    private static bool Kept(AttributeDefinition definition) => definition.Returned is not (Returned.Never or Returned.Request);

    /// <summary>A top-level member: kept or not, or an extension whose members are decided one by one.</summary>
    private sealed record Member(bool Kept, Extension? Extension);

    /// <summary>An extension schema; its members are found by exact name, as <see cref="ResourceProjection"/> finds them.</summary>
    private sealed class Extension(SchemaDefinition schema)
    {
        private readonly Dictionary<string, bool> kept = schema.Attributes.DistinctBy(a => a.Name, StringComparer.Ordinal).ToDictionary(a => a.Name, Kept, StringComparer.Ordinal);

        public SchemaDefinition Schema => schema;

        public bool Keeps(ReadOnlySpan<char> name) => kept.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var keeps) && keeps;
    }

    /// <summary>
    /// The decisions of <see cref="ResourceProjection.Project"/> for one type, by member name (as the projection
    /// finds them: schemas and attributes whatever their case). Names outside the type are remembered too, up to a bound.
    /// </summary>
    private sealed class Plan(ResourceType type)
    {
        private const int MaxNames = 1024;
        private static readonly Member Dropped = new(false, null);
        private readonly ConcurrentDictionary<string, Member> members = new(StringComparer.Ordinal);
        private int count;

        public Member Of(string name) => Of(name.AsSpan());

        /// <summary>The decision for a name read as characters: a string is made only for a name not seen before.</summary>
        public Member Of(ReadOnlySpan<char> span)
        {
            if (members.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(span, out var member))
            {
                return member;
            }

            var name = span.ToString();
            member = Resolve(name);
            if (Volatile.Read(ref count) < MaxNames && members.TryAdd(name, member))
            {
                Interlocked.Increment(ref count);
            }

            return member;
        }

        private Member Resolve(string name)
        {
            if (name == "schemas")
            {
                return Dropped;
            }

            if (type.FindSchema(name) is { } schema && !ReferenceEquals(schema, type.Schema))
            {
                return new Member(false, new Extension(schema));
            }

            return (CommonAttributes.Find(name) ?? type.Schema.Find(name)) is { } definition ? new Member(Kept(definition), null) : Dropped;
        }
    }
}
