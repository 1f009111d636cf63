using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Filters;
using ScimHub.Core.Paths;
using ScimHub.Core.Schemas;

namespace ScimHub.Provisioning.Apps;

/// <summary>
/// The attributes an app's creates must carry, as SCIM attribute paths: <c>userName</c>, <c>name.familyName</c>,
/// <c>emails[type eq "work"].value</c>. Each path is checked as the presence filter it amounts to
/// (<c>emails[type eq "work" and value pr]</c>), so a path means what it means in a filter or a PATCH.
/// Only creates are checked: a user created before the rule, or a deactivation, must never be refused for it.
/// </summary>
public sealed class RequiredAttributes
{
    public static readonly RequiredAttributes None = new([], []);

    private static readonly ParsedSettings<RequiredAttributes> Parsed = new(json => Of(JsonSerializer.Deserialize<List<string>>(json) ?? []), None);

    private readonly IReadOnlyList<Filter> filters;

    private RequiredAttributes(IReadOnlyList<string> paths, IReadOnlyList<Filter> filters)
    {
        Paths = paths;
        this.filters = filters;
    }

    public IReadOnlyList<string> Paths { get; }

    /// <summary>Checks and compiles paths an admin gave; an unusable one throws an error naming it.</summary>
    public static RequiredAttributes Of(IReadOnlyList<string> paths, string field = "requiredAttributes")
    {
        ArgumentNullException.ThrowIfNull(paths);
        var cleaned = new List<string>();
        var filters = new List<Filter>();
        for (var i = 0; i < paths.Count; i++)
        {
            var path = paths[i]?.Trim() ?? "";
            if (path.Length == 0 || cleaned.Contains(path, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidInputException($"{field}[{i}]", path.Length == 0 ? "A required attribute path is empty." : $"'{path}' is listed twice.");
            }

            try
            {
                CheckWritable(PatchPath.Parse(path), path);
                var filter = FilterParser.Parse(PresenceFilter(path));
                // Evaluating against an empty user resolves every attribute the path names against the schema.
                FilterEvaluator.Matches(filter, [], CoreSchemas.UserType);
                filters.Add(filter);
                cleaned.Add(path);
            }
            catch (ScimException exception)
            {
                throw new InvalidInputException($"{field}[{i}]", $"'{path}' is not an attribute path of the User resource: {exception.Message}");
            }
        }

        return new RequiredAttributes(cleaned, filters);
    }

    /// <summary>Refuses a create that lacks one of the paths: 400 invalidValue naming the first missing one.</summary>
    public void Check(JsonObject user, string appName)
    {
        for (var i = 0; i < filters.Count; i++)
        {
            if (!FilterEvaluator.Matches(filters[i], user, CoreSchemas.UserType))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue,
                    $"The app '{appName}' requires '{Paths[i]}' on every user it creates, and this request has none. Map it in the provider, or change the app's required attributes.");
            }
        }
    }

    /// <summary>A path a provider's create can carry: no read-only (id, meta, groups) or write-only (password) attribute.</summary>
    private static void CheckWritable(PatchPath parsed, string path)
    {
        var resolved = CoreSchemas.UserType.ResolveOrThrow(parsed.Attribute);
        var target = parsed.SubAttribute is { } sub
            ? resolved.Attribute.FindSubAttribute(sub) ?? throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"'{sub}' is not a sub-attribute of '{resolved.Attribute.Name}'.")
            : resolved.Target;
        if (resolved.Attribute.Mutability is Mutability.ReadOnly or Mutability.WriteOnly || target.Mutability is Mutability.ReadOnly or Mutability.WriteOnly)
        {
            throw ScimException.BadRequest(ScimErrorType.Mutability, $"'{path}' is set by the hub or never stored, so no create could carry it.");
        }
    }

    internal string? ToJson() => Paths.Count == 0 ? null : JsonSerializer.Serialize(Paths);

    internal static RequiredAttributes FromJson(string? json) => Parsed.Get(json);

    /// <summary><c>a.b</c> → <c>a.b pr</c>; <c>a[f].b</c> → <c>a[(f) and b pr]</c>; <c>a[f]</c> stays as it is.</summary>
    private static string PresenceFilter(string path)
    {
        var open = path.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            return $"{path} pr";
        }

        var close = path.LastIndexOf(']');
        if (close < open)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, "the value filter has no closing ']'.");
        }

        var sub = path[(close + 1)..].TrimStart('.');
        return sub.Length == 0 ? path : $"{path[..open]}[({path[(open + 1)..close]}) and {sub} pr]";
    }
}
