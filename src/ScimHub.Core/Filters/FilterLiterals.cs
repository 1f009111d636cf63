using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimHub.Core.Filters;

/// <summary>How filter literals read as attribute values.</summary>
public static class FilterLiterals
{
    /// <summary>
    /// true or false, also from the strings "True"/"False" in any case: Entra ID's role mappings filter on
    /// <c>roles[primary eq "True"]</c> (MS-MAP), as it writes booleans as strings elsewhere. Null for anything else.
    /// </summary>
    public static bool? AsBoolean(JsonValue literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        return literal.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(literal.GetValue<string>().Trim(), out var flag) => flag,
            _ => null,
        };
    }
}
