using ScimHub.Core.Errors;
using ScimHub.Core.Paths;
using ScimHub.Core.Schemas;

namespace ScimHub.Core.Projection;

/// <summary>
/// The <c>attributes</c> / <c>excludedAttributes</c> of a request (RFC 7644 §3.4.2.5, §3.9), resolved against the
/// resource type. An empty selection returns the default set.
/// </summary>
public sealed class AttributeSelection
{
    private AttributeSelection(IReadOnlyList<ResolvedPath> included, IReadOnlyList<ResolvedPath> excluded)
    {
        Included = included;
        Excluded = excluded;
    }

    public static AttributeSelection Default { get; } = new([], []);

    public IReadOnlyList<ResolvedPath> Included { get; }

    public IReadOnlyList<ResolvedPath> Excluded { get; }

    /// <summary>True when the request named no attributes: the default set is returned.</summary>
    public bool IsDefault => Included.Count == 0 && Excluded.Count == 0;

    /// <summary>Parses the comma-separated lists; both at once is a 400 invalidSyntax.</summary>
    public static AttributeSelection Parse(string? attributes, string? excludedAttributes, ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var included = ParseList(attributes, type);
        var excluded = ParseList(excludedAttributes, type);
        if (included.Count > 0 && excluded.Count > 0)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "Give either 'attributes' or 'excludedAttributes', not both.");
        }

        return new AttributeSelection(included, excluded);
    }

    /// <summary>True when the selection could want this attribute (so that derived values such as members need loading).</summary>
    public bool Wants(string attributeName)
    {
        if (Included.Count > 0)
        {
            return Included.Any(p => string.Equals(p.Attribute.Name, attributeName, StringComparison.OrdinalIgnoreCase));
        }

        return !Excluded.Any(p => p.SubAttribute is null && string.Equals(p.Attribute.Name, attributeName, StringComparison.OrdinalIgnoreCase));
    }

    private static List<ResolvedPath> ParseList(string? text, ResourceType type)
    {
        var list = new List<ResolvedPath>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return list;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var schema = type.FindSchema(part);
            if (schema is not null)
            {
                // A bare schema URN selects the whole extension.
                list.AddRange(schema.Attributes.Select(a => new ResolvedPath(schema, a, null)));
                continue;
            }

            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var pathText = bracket < 0 ? part : part[..bracket];
            list.Add(type.ResolveOrThrow(AttributePath.Parse(pathText)));
        }

        return list;
    }
}
