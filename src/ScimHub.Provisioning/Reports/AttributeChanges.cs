using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core;

namespace ScimHub.Provisioning.Reports;

/// <summary>
/// The attributes that differ between two versions of a resource, as <c>{attribute, old, new}</c> entries:
/// complex attributes and extensions are compared sub-attribute by sub-attribute (<c>name.givenName</c>,
/// <c>urn:…:enterprise:2.0:User:department</c>), multi-valued ones as a whole. Secrets are never included.
/// </summary>
public static class AttributeChanges
{
    /// <summary>A value longer than this (as JSON) is recorded as its size only, so that one event stays small.</summary>
    public const int MaxValueLength = 2048;

    private static readonly HashSet<string> Left = new(StringComparer.OrdinalIgnoreCase) { "password", "groups", "members", "schemas", "meta", "id" };

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = ScimJsonOptions.Output.Encoder };

    /// <summary>One buffer and writer per thread: a change list is written in one go, with no await in between.</summary>
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? perThread;

    /// <summary>
    /// The changes as the JSON text an event stores (an array of entries), or null when nothing differs. Written
    /// straight from the two versions: no list of changes is built first.
    /// </summary>
    public static string? Between(JsonObject? before, JsonObject? after)
    {
        var (buffer, writer) = perThread ??= NewWriter();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartArray();
        var count = Compare(before, after, "", top: true, writer);
        writer.WriteEndArray();
        writer.Flush();
        var json = count == 0 ? null : Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (buffer.Capacity > 256 * 1024)
        {
            // A huge change list is not kept alive by the thread for the next one.
            perThread = null;
        }

        return json;
    }

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) NewWriter()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        return (buffer, new Utf8JsonWriter(buffer, WriterOptions));
    }

    private static int Compare(JsonObject? before, JsonObject? after, string prefix, bool top, Utf8JsonWriter writer)
    {
        var count = 0;
        // The members of after, then those only before has (member names are unique within an object).
        if (after is not null)
        {
            foreach (var (key, now) in after)
            {
                count += CompareMember(key, before?[key], now, prefix, top, writer);
            }
        }

        if (before is not null)
        {
            foreach (var (key, old) in before)
            {
                if (after is null || !after.ContainsKey(key))
                {
                    count += CompareMember(key, old, null, prefix, top, writer);
                }
            }
        }

        return count;
    }

    private static int CompareMember(string key, JsonNode? old, JsonNode? now, string prefix, bool top, Utf8JsonWriter writer)
    {
        if ((top && Left.Contains(key)) || JsonNode.DeepEquals(old, now))
        {
            return 0;
        }

        // Extensions are keyed by their schema URN (urn:…, or Entra's http://schemas.microsoft.com/… for groups).
        var isExtension = top && key.Contains(':', StringComparison.Ordinal);
        var path = isExtension ? key : prefix + key;
        if ((old is null or JsonObject) && (now is null or JsonObject))
        {
            return Compare(old as JsonObject, now as JsonObject, isExtension ? path + ":" : path + ".", top: false, writer);
        }

        writer.WriteStartObject();
        writer.WriteString("attribute", path);
        if (old is not null)
        {
            writer.WritePropertyName("old");
            WriteCapped(writer, old);
        }

        if (now is not null)
        {
            writer.WritePropertyName("new");
            WriteCapped(writer, now);
        }

        writer.WriteEndObject();
        return 1;
    }

    private static void WriteCapped(Utf8JsonWriter writer, JsonNode value)
    {
        // Surely within the cap (counted from above), the value is not written out first to be measured.
        var length = UpperLength(value, MaxValueLength) <= MaxValueLength ? 0 : value.ToJsonString().Length;
        if (length <= MaxValueLength)
        {
            value.WriteTo(writer, ScimJsonOptions.Output);
        }
        else
        {
            writer.WriteStringValue($"({length} characters, not recorded)");
        }
    }

    /// <summary>
    /// How many characters <paramref name="value"/> takes as JSON at most (every character of a string counted as a
    /// six-character escape), without writing it; counting stops once past <paramref name="budget"/>.
    /// </summary>
    private static int UpperLength(JsonNode? value, int budget)
    {
        // A number, boolean, date or id the hub made itself.
        const int NumberOrLiteral = 64;
        switch (value)
        {
            case null:
                return 4;
            case JsonObject obj:
                var length = 2;
                foreach (var (key, member) in obj)
                {
                    // The name as escapes, its quotes, the colon and a comma.
                    length += (key.Length * 6) + 4 + UpperLength(member, budget - length);
                    if (length > budget)
                    {
                        return length;
                    }
                }

                return length;
            case JsonArray array:
                var total = 2;
                for (var i = 0; i < array.Count; i++)
                {
                    // The item and a comma.
                    total += 1 + UpperLength(array[i], budget - total);
                    if (total > budget)
                    {
                        return total;
                    }
                }

                return total;
            default:
                var scalar = value.AsValue();
                if (scalar.TryGetValue<JsonElement>(out var element))
                {
                    // As parsed: each byte of its text becomes at most six characters (a \uXXXX escape).
                    return JsonMarshal.GetRawUtf8Value(element).Length * 6;
                }

                return scalar.TryGetValue<string>(out var text) ? (text.Length * 6) + 2 : NumberOrLiteral;
        }
    }
}
