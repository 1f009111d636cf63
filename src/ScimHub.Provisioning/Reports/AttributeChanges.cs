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
        var keys = (after?.Select(p => p.Key) ?? []).Concat(before?.Select(p => p.Key) ?? []).Distinct(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (top && Left.Contains(key))
            {
                continue;
            }

            var old = before?[key];
            var now = after?[key];
            if (JsonNode.DeepEquals(old, now))
            {
                continue;
            }

            // Extensions are keyed by their schema URN (urn:…, or Entra's http://schemas.microsoft.com/… for groups).
            var isExtension = top && key.Contains(':', StringComparison.Ordinal);
            var path = isExtension ? key : prefix + key;
            if ((old is null or JsonObject) && (now is null or JsonObject))
            {
                Compare(old as JsonObject, now as JsonObject, isExtension ? path + ":" : path + ".", top: false, changes);
                continue;
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
    }

    private static JsonNode Capped(JsonNode value)
    {
        var json = value.ToJsonString();
        return json.Length <= MaxValueLength ? value.DeepClone() : JsonValue.Create($"({json.Length} characters, not recorded)");
    }
}
