using ScimHub.Core.Filters;

namespace ScimHub.Core.Paths;

/// <summary>
/// The <c>path</c> of a PATCH operation (RFC 7644 §3.5.2): <c>attrPath</c> or <c>valuePath [ "." subAttr ]</c>.
/// <list type="bullet">
/// <item><c>name.givenName</c>: <see cref="Attribute"/> carries the sub-attribute, no filter.</item>
/// <item><c>members[value eq "2819c223"]</c>: <see cref="Attribute"/> is <c>members</c>, <see cref="ValueFilter"/> the bracketed filter,
/// whose paths name sub-attributes of <c>members</c>.</item>
/// <item><c>emails[type eq "work"].value</c>: as above, and <see cref="SubAttribute"/> is <c>value</c>.</item>
/// </list>
/// </summary>
public sealed record PatchPath(AttributePath Attribute, Filter? ValueFilter, string? SubAttribute)
{
    /// <summary>Parses a PATCH path; a malformed one is a 400 <c>invalidPath</c> naming the position (from 0) and what was expected.</summary>
    public static PatchPath Parse(string text) => FilterParser.ParsePatchPath(text);
}
