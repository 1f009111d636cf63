using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core;
using ScimHub.Core.Errors;
using ScimHub.Core.Patch;
using ScimHub.Core.Paths;
using ScimHub.Core.Resources;
using ScimHub.Core.Schemas;

namespace ScimHub.Provisioning.Apps;

/// <summary>
/// An app's attribute rules: each turns a value the provider sends into a custom profile attribute of the directory.
/// The provider's own value is stored and read back as sent (a source under an extension the directory does not know,
/// such as Entra's <c>urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User</c>, becomes an extension of
/// this app's view of the User), so it never sees a difference and re-sends; the rule's result lives in the hub's
/// extension, where every app and filter finds it.
/// </summary>
public sealed partial class AttributeMapping
{
    public const int MaxRules = 50;

    public static readonly AttributeMapping None = new([]);

    public static readonly IReadOnlyList<string> Transforms = ["none", "lower", "upper", "trim"];

    public static readonly IReadOnlyList<string> SourceTypes = ["string", "integer", "decimal", "boolean"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static readonly ParsedSettings<AttributeMapping> Parsed = new(json => new AttributeMapping(JsonSerializer.Deserialize<List<MappingRule>>(json, Json) ?? []), None);

    /// <summary>This app's view per directory type (a type is rebuilt, so a new instance, when the profile changes).</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ResourceType, ResourceType> extended = [];

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

            CheckText(rule.Constant, $"{field}.constant");
            CheckText(rule.Default, $"{field}.default");
            var sourceType = (rule.SourceType ?? "string").Trim().ToLowerInvariant();
            if (!SourceTypes.Contains(sourceType))
            {
                throw new InvalidInputException($"{field}.sourceType", $"'{rule.SourceType}' is not a source type; use one of {string.Join(", ", SourceTypes)}.");
            }

            var source = rule.Source is null ? null : QualifiedSource(rule.Source.Trim(), directoryType, $"{field}.source");
            valid.Add(rule with { Source = source, Target = target.Name, Transform = transform == "none" ? null : transform, SourceType = sourceType == "string" ? null : sourceType });
        }

        return new AttributeMapping(valid);
    }

    /// <summary>This app's view of the User: the directory's type plus an extension for each source URN it does not know.</summary>
    public ResourceType Extend(ResourceType directoryType)
    {
        ArgumentNullException.ThrowIfNull(directoryType);
        return Rules.Count == 0 ? directoryType : extended.GetValue(directoryType, Build);
    }

    private ResourceType Build(ResourceType directoryType)
    {
        var foreign = Rules.Where(r => r.Source is not null)
            .Select(r => (Path: AttributePath.Parse(r.Source!), r.SourceType))
            .Where(p => p.Path.SchemaUrn is not null && directoryType.FindSchema(p.Path.SchemaUrn) is null)
            .GroupBy(p => p.Path.SchemaUrn!, StringComparer.OrdinalIgnoreCase)
            .Select(g => new SchemaExtension(
                new SchemaDefinition(g.Key, NameOf(g.Key), "Attributes this app sends, kept as sent; its attribute rules map them onto the directory's profile.",
                    g.DistinctBy(p => p.Path.Name, StringComparer.OrdinalIgnoreCase)
                        .Select(p => new AttributeDefinition { Name = p.Path.Name, Type = TypeOf(p.SourceType), Description = "Sent by the app." }).ToList()),
                Required: false))
            .ToList();
        return foreign.Count == 0 ? directoryType : directoryType with { Extensions = [.. directoryType.Extensions, .. foreign] };
    }

    /// <summary>
    /// Fills the rules' targets in <paramref name="user"/>, a user this app writes, read with <paramref name="appType"/>
    /// (<see cref="Extend"/>). With <paramref name="before"/> (a PATCH or PUT of a stored user) a target is touched only
    /// when its rule's value changed, so a resend, a deactivation or another app's edit of the target is left alone;
    /// a source that lost its value (and has no default) takes the target's value away.
    /// </summary>
    public void Apply(JsonObject user, ResourceType appType, JsonObject? before = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(appType);
        var profile = appType.FindSchema(ScimConstants.ProfileExtensionSchema);
        foreach (var rule in Rules)
        {
            // A target removed from the profile since the rules were saved, or added again with another type, is skipped.
            if (profile?.Find(rule.Target) is not { Type: AttributeType.String or AttributeType.Reference, MultiValued: false } target)
            {
                continue;
            }

            var value = ValueOf(rule, user, appType);
            if (before is not null && value == ValueOf(rule, before, appType))
            {
                continue;
            }

            var values = Get(user, profile.Id) as JsonObject;
            if (value is null)
            {
                values?.Remove(target.Name);
                continue;
            }

            if (values is null)
            {
                values = [];
                user[profile.Id] = values;
                PatchEngine.SyncSchemas(user, appType);
            }

            values[target.Name] = value;
        }
    }

    private static string? ValueOf(MappingRule rule, JsonObject user, ResourceType appType)
    {
        var value = rule.Constant ?? Read(user, appType, rule.Source!);
        if (string.IsNullOrEmpty(value) && rule.Default is not null)
        {
            value = rule.Default;
        }

        return value is null ? null : rule.Transform switch
        {
            "lower" => value.ToLowerInvariant(),
            "upper" => value.ToUpperInvariant(),
            "trim" => value.Trim(),
            _ => value,
        };
    }

    internal string? ToJson() => Rules.Count == 0 ? null : JsonSerializer.Serialize(Rules, Json);

    /// <summary>Rules as saved (checked when they were saved).</summary>
    internal static AttributeMapping FromJson(string? json) => Parsed.Get(json);

    /// <summary>The source as a path the rule can always resolve: URN-qualified for extensions; checked.</summary>
    private static string QualifiedSource(string source, ResourceType directoryType, string field)
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

        if (path.SchemaUrn is not null && directoryType.FindSchema(path.SchemaUrn) is null)
        {
            // An attribute of an extension only this app sends: kept as sent, one simple value.
            if (path.SubAttribute is not null || !ForeignUrn().IsMatch(path.SchemaUrn)
                || path.SchemaUrn.StartsWith("urn:ietf:params:scim:schemas:core:", StringComparison.OrdinalIgnoreCase)
                || path.SchemaUrn.StartsWith("urn:ietf:params:scim:api:", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidInputException(field, $"'{source}': an extension of the app's own is a URN of letters, digits and '.', '_', '~', '-' between colons (not a SCIM core or API URN), and its attribute one simple value.");
            }

            return $"{path.SchemaUrn}:{path.Name}";
        }

        var resolved = directoryType.Resolve(path)
            ?? throw new InvalidInputException(field, $"'{source}' is not an attribute of the User resource.");
        if (string.Equals(resolved.Schema.Id, ScimConstants.ProfileExtensionSchema, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidInputException(field, "A rule reads what the provider sends, not the directory's own profile attributes (that would let rules feed each other).");
        }

        if (resolved.Attribute.MultiValued || resolved.Target.Type == AttributeType.Complex || resolved.Target.Mutability == Mutability.WriteOnly)
        {
            throw new InvalidInputException(field, $"'{source}' is not one simple value a provider sends (multi-valued, complex or write-only).");
        }

        var name = resolved.SubAttribute is null ? resolved.Attribute.Name : $"{resolved.Attribute.Name}.{resolved.SubAttribute.Name}";
        return resolved.IsCore(directoryType) ? name : $"{resolved.Schema.Id}:{name}";
    }

    private static void CheckText(string? text, string field)
    {
        if (text is not null && (text.Length > 1024 || text.Contains('\0', StringComparison.Ordinal)))
        {
            throw new InvalidInputException(field, "A value is at most 1,024 characters, without U+0000.");
        }
    }

    private static AttributeType TypeOf(string? sourceType) => sourceType switch
    {
        "integer" => AttributeType.Integer,
        "decimal" => AttributeType.Decimal,
        "boolean" => AttributeType.Boolean,
        _ => AttributeType.String,
    };

    [System.Text.RegularExpressions.GeneratedRegex("^urn:[A-Za-z0-9][A-Za-z0-9-]*(:[A-Za-z0-9._~-]+)+$")]
    private static partial System.Text.RegularExpressions.Regex ForeignUrn();

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

    private static JsonNode? Get(JsonObject? holder, string name) => holder is null ? null : ResourceReader.Find(holder, name);

    /// <summary><c>urn:…:CustomExtensionName:2.0:User</c> → CustomExtensionName.</summary>
    private static string NameOf(string urn)
    {
        var parts = urn.Split(':');
        var version = Array.FindLastIndex(parts, p => p.Length > 0 && char.IsAsciiDigit(p[0]));
        return version > 0 ? parts[version - 1] : parts[^1];
    }
}
