using System.Text.Json;
using ScimHub.Core.Filters;

namespace ScimHub.Tests.Core.Filters;

/// <summary>
/// Writes a parsed filter as a compact prefix notation, e.g. <c>(and (pr title) (eq userType "Employee"))</c>,
/// so tests can state a whole tree in one line (records compare their JsonValue literals by reference).
/// </summary>
internal static class FilterNotation
{
    public static string Write(Filter filter) => filter switch
    {
        ComparisonFilter c => $"({c.Operator.ToScimName()} {c.Path} {Literal(c)})",
        PresentFilter p => $"(pr {p.Path})",
        AndFilter a => $"(and {Write(a.Left)} {Write(a.Right)})",
        OrFilter o => $"(or {Write(o.Left)} {Write(o.Right)})",
        NotFilter n => $"(not {Write(n.Inner)})",
        ValuePathFilter v => $"({v.Path}[{Write(v.Inner)}])",
        _ => throw new ArgumentException($"Unknown filter node {filter.GetType().Name}.", nameof(filter)),
    };

    private static string Literal(ComparisonFilter c) => c.Value switch
    {
        null => "null",
        var v when v.GetValueKind() == JsonValueKind.String => $"\"{v.GetValue<string>()}\"",
        var v => v.ToJsonString(),
    };
}
