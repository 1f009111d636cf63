using System.Text.Json.Nodes;
using ScimHub.Core.Paths;

namespace ScimHub.Core.Filters;

/// <summary>A parsed SCIM filter (RFC 7644 §3.4.2.2).</summary>
public abstract record Filter;

/// <summary><c>path op value</c>, e.g. <c>userName eq "bjensen"</c>. <see cref="Value"/> is null for the literal null.</summary>
public sealed record ComparisonFilter(AttributePath Path, ComparisonOperator Operator, JsonValue? Value) : Filter;

/// <summary><c>path pr</c>.</summary>
public sealed record PresentFilter(AttributePath Path) : Filter;

public sealed record AndFilter(Filter Left, Filter Right) : Filter;

public sealed record OrFilter(Filter Left, Filter Right) : Filter;

public sealed record NotFilter(Filter Inner) : Filter;

/// <summary>
/// <c>emails[type eq "work" and value co "@x"]</c>: true when one value of the multi-valued attribute
/// <see cref="Path"/> matches <see cref="Inner"/>, whose paths name sub-attributes of that value.
/// </summary>
public sealed record ValuePathFilter(AttributePath Path, Filter Inner) : Filter;
