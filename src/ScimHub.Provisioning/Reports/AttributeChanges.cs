using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

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

    public static JsonArray Between(JsonObject? before, JsonObject? after)
    {
        var changes = new JsonArray();
        Compare(before, after, "", top: true, changes);
        return changes;
    }

    private static void Compare(JsonObject? before, JsonObject? after, string prefix, bool top, JsonArray changes)
    {
        // The members of after, then those only before has (member names are unique within an object).
        if (after is not null)
        {
            foreach (var (key, now) in after)
            {
                CompareMember(key, before?[key], now, prefix, top, changes);
            }
        }

        if (before is not null)
        {
            foreach (var (key, old) in before)
            {
                if (after is null || !after.ContainsKey(key))
                {
                    CompareMember(key, old, null, prefix, top, changes);
                }
            }
        }
    }

    private static void CompareMember(string key, JsonNode? old, JsonNode? now, string prefix, bool top, JsonArray changes)
    {
        if ((top && Left.Contains(key)) || JsonNode.DeepEquals(old, now))
        {
            return;
        }

        // Extensions are keyed by their schema URN (urn:…, or Entra's http://schemas.microsoft.com/… for groups).
        var isExtension = top && key.Contains(':', StringComparison.Ordinal);
        var path = isExtension ? key : prefix + key;
        if ((old is null or JsonObject) && (now is null or JsonObject))
        {
            Compare(old as JsonObject, now as JsonObject, isExtension ? path + ":" : path + ".", top: false, changes);
            return;
        }

        var change = new JsonObject { ["attribute"] = path };
        if (old is not null)
        {
            change["old"] = Capped(old);
        }

        if (now is not null)
        {
            change["new"] = Capped(now);
        }

        changes.Add(change);
    }

    private static JsonNode Capped(JsonNode value)
    {
        if (ShorterThanCap(value, MaxValueLength))
        {
            // Surely within the cap: no need to write it out to count.
            return value.DeepClone();
        }

        var json = value.ToJsonString();
        return json.Length <= MaxValueLength ? value.DeepClone() : JsonValue.Create($"({json.Length} characters, not recorded)");
    }

    /// <summary>
    /// True when <paramref name="value"/> as JSON surely takes at most <paramref name="budget"/> characters, counted
    /// from above (every character of a string as a six-character escape), without writing it.
    /// </summary>
    private static bool ShorterThanCap(JsonNode? value, int budget) => UpperLength(value, budget) <= budget;

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
                    length += (key.Length * 6) + 3 + UpperLength(member, budget - length);
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
