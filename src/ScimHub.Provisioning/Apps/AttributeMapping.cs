using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core;
using ScimHub.Core.Errors;
using ScimHub.Core.Paths;
using ScimHub.Core.Schemas;

namespace ScimHub.Provisioning.Apps;

/// <summary>
/// An app's attribute rules: each turns a value the provider sends into a custom profile attribute of the directory.
/// The provider's own value is stored and read back as sent (a source under an extension the directory does not know,
/// such as Entra's <c>urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User</c>, becomes an extension of
/// this app's view of the User), so it never sees a difference and re-sends; the rule's result lives in the hub's
/// extension, where every app and filter finds it.
/// </summary>
public sealed class AttributeMapping
{
    public const int MaxRules = 50;

    public static readonly AttributeMapping None = new([]);

    public static readonly IReadOnlyList<string> Transforms = ["none", "lower", "upper", "trim"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static readonly ConcurrentDictionary<string, AttributeMapping> Parsed = new(StringComparer.Ordinal);

    /// <summary>The last directory type extended, and the result: one reference, so readers never see half of it.</summary>
    private Extension? extended;

    private AttributeMapping(IReadOnlyList<MappingRule> rules) => Rules = rules;

    public IReadOnlyList<MappingRule> Rules { get; }

    /// <summary>Checks rules against the directory's User type; an unusable rule throws an error naming its field.</summary>
    public static AttributeMapping Of(IReadOnlyList<MappingRule> rules, ResourceType directoryType)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(directoryType);
        if (rules.Count > MaxRules)
        {
            throw new InvalidInputException("rules", $"An app has at most {MaxRules} attribute rules.");
        }

        var profile = directoryType.FindSchema(ScimConstants.ProfileExtensionSchema);
        var valid = new List<MappingRule>();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i] ?? throw new InvalidInputException($"rules[{i}]", "A rule is empty.");
            var field = $"rules[{i}]";
            var target = profile?.Find(rule.Target?.Trim() ?? "")
                ?? throw new InvalidInputException($"{field}.target", $"'{rule.Target}' is not a custom profile attribute of the directory; add it first (scimhub profile add).");
            if (target.Type is not (AttributeType.String or AttributeType.Reference) || target.MultiValued)
            {
                throw new InvalidInputException($"{field}.target", $"'{target.Name}' is a {(target.MultiValued ? "multi-valued " : "")}{target.Type.ToString().ToLowerInvariant()} attribute; rules fill single-valued string attributes.");
            }

            if (valid.Any(r => string.Equals(r.Target, target.Name, StringComparison.Ordinal)))
            {
                throw new InvalidInputException($"{field}.target", $"'{target.Name}' is the target of an earlier rule already.");
            }

            if ((rule.Source is null) == (rule.Constant is null))
            {
                throw new InvalidInputException($"{field}.source", "A rule takes either a source path or a constant.");
            }

            var transform = (rule.Transform ?? "none").Trim().ToLowerInvariant();
            if (!Transforms.Contains(transform))
            {
                throw new InvalidInputException($"{field}.transform", $"'{rule.Transform}' is not a transform; use one of {string.Join(", ", Transforms)}.");
            }

            var source = rule.Source?.Trim();
            if (source is not null)
            {
                CheckSource(source, directoryType, $"{field}.source");
            }

            valid.Add(rule with { Source = source, Target = target.Name, Transform = transform == "none" ? null : transform });
        }

        return new AttributeMapping(valid);
    }

    /// <summary>This app's view of the User: the directory's type plus an extension for each source URN it does not know.</summary>
    public ResourceType Extend(ResourceType directoryType)
    {
        ArgumentNullException.ThrowIfNull(directoryType);
        if (Volatile.Read(ref extended) is { } known && ReferenceEquals(known.Directory, directoryType))
        {
            return known.App;
        }

        var foreign = Rules.Where(r => r.Source is not null)
            .Select(r => AttributePath.Parse(r.Source!))
            .Where(p => p.SchemaUrn is not null && directoryType.FindSchema(p.SchemaUrn) is null)
            .GroupBy(p => p.SchemaUrn!, StringComparer.OrdinalIgnoreCase)
            .Select(g => new SchemaExtension(
                new SchemaDefinition(g.Key, NameOf(g.Key), "Attributes this app sends, kept as sent; its attribute rules map them onto the directory's profile.",
                    g.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Select(n => new AttributeDefinition { Name = n, Description = "Sent by the app." }).ToList()),
                Required: false))
            .ToList();
        var type = foreign.Count == 0 ? directoryType : directoryType with { Extensions = [.. directoryType.Extensions, .. foreign] };
        Volatile.Write(ref extended, new Extension(directoryType, type));
        return type;
    }

    /// <summary>
    /// Fills the rules' targets in <paramref name="user"/>, a user this app writes, read with <paramref name="appType"/>
    /// (<see cref="Extend"/>). A source with no value and no default leaves its target as it is.
    /// </summary>
    public void Apply(JsonObject user, ResourceType appType)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(appType);
        var profile = appType.FindSchema(ScimConstants.ProfileExtensionSchema);
        foreach (var rule in Rules)
        {
            // A target removed from the profile since the rules were saved is skipped, never written blind.
            if (profile?.Find(rule.Target) is not { } target)
            {
                continue;
            }

            var value = rule.Constant ?? Read(user, appType, rule.Source!);
            if (string.IsNullOrEmpty(value) && rule.Default is not null)
            {
                value = rule.Default;
            }

            if (value is null)
            {
                continue;
            }

            value = rule.Transform switch
            {
                "lower" => value.ToLowerInvariant(),
                "upper" => value.ToUpperInvariant(),
                "trim" => value.Trim(),
                _ => value,
            };
            if (user[profile.Id] is not JsonObject values)
            {
                values = [];
                user[profile.Id] = values;
                SyncSchemas(user, appType);
            }

            values[target.Name] = value;
        }
    }

    /// <summary><c>schemas</c> in the type's order, as the PATCH engine writes it, so a resent user compares equal.</summary>
    private static void SyncSchemas(JsonObject user, ResourceType type)
    {
        var present = type.Extensions.Where(e => user[e.Schema.Id] is JsonObject).Select(e => e.Schema.Id).Prepend(type.Schema.Id);
        user.Remove("schemas");
        user.Insert(0, "schemas", new JsonArray(present.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()));
    }

    internal string? ToJson() => Rules.Count == 0 ? null : JsonSerializer.Serialize(Rules, Json);

    /// <summary>Rules as saved (checked when they were saved).</summary>
    internal static AttributeMapping FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return None;
        }

        if (!Parsed.TryGetValue(json, out var known))
        {
            if (Parsed.Count >= 1024)
            {
                Parsed.Clear();
            }

            known = Parsed[json] = new AttributeMapping(JsonSerializer.Deserialize<List<MappingRule>>(json, Json) ?? []);
        }

        return known;
    }

    private static void CheckSource(string source, ResourceType directoryType, string field)
    {
        AttributePath path;
        try
        {
            path = AttributePath.Parse(source);
        }
        catch (ScimException exception)
        {
            throw new InvalidInputException(field, $"'{source}' is not an attribute path: {exception.Message}");
        }

        if (string.Equals(path.SchemaUrn, ScimConstants.ProfileExtensionSchema, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidInputException(field, "A rule reads what the provider sends, not the directory's own profile attributes (that would let rules feed each other).");
        }

        if (path.SchemaUrn is not null && directoryType.FindSchema(path.SchemaUrn) is null)
        {
            // An attribute of an extension only this app sends: kept as sent, one simple value.
            if (path.SubAttribute is not null || !path.SchemaUrn.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidInputException(field, $"'{source}': an attribute of the app's own extension is one simple value (no sub-attribute).");
            }

            return;
        }

        var resolved = directoryType.Resolve(path)
            ?? throw new InvalidInputException(field, $"'{source}' is not an attribute of the User resource.");
        if (resolved.Attribute.MultiValued || resolved.Target.Type == AttributeType.Complex || resolved.Target.Mutability == Mutability.WriteOnly)
        {
            throw new InvalidInputException(field, $"'{source}' is not one simple value a provider sends (multi-valued, complex or write-only).");
        }
    }

    private static string? Read(JsonObject user, ResourceType appType, string source)
    {
        var path = AttributePath.Parse(source);
        if (appType.Resolve(path) is not { } resolved)
        {
            return null;
        }

        var holder = resolved.IsCore(appType) ? user : Get(user, resolved.Schema.Id) as JsonObject;
        var node = Get(holder, resolved.Attribute.Name);
        if (resolved.SubAttribute is { } sub)
        {
            node = Get(node as JsonObject, sub.Name);
        }

        return node is JsonValue value
            ? value.GetValueKind() switch
            {
                JsonValueKind.String => value.GetValue<string>(),
                JsonValueKind.Number => value.ToJsonString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            }
            : null;
    }

    private sealed record Extension(ResourceType Directory, ResourceType App);

    private static JsonNode? Get(JsonObject? holder, string name) =>
        holder?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary><c>urn:…:CustomExtensionName:2.0:User</c> → CustomExtensionName.</summary>
    private static string NameOf(string urn)
    {
        var parts = urn.Split(':');
        var version = Array.FindLastIndex(parts, p => p.Length > 0 && char.IsAsciiDigit(p[0]));
        return version > 0 ? parts[version - 1] : parts[^1];
    }
}
