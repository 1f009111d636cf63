using ScimHub.Core.Errors;

namespace ScimHub.Core.Paths;

/// <summary>
/// <c>[schemaUrn:]name[.subAttribute]</c> as in RFC 7644 §3.10, e.g. <c>name.givenName</c> or
/// <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value</c>.
/// Names keep the caller's spelling; comparisons are case-insensitive.
/// </summary>
public sealed record AttributePath(string? SchemaUrn, string Name, string? SubAttribute)
{
    public static AttributePath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var urn = (string?)null;
        var rest = text;
        if (text.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var colon = text.LastIndexOf(':');
            urn = text[..colon];
            rest = text[(colon + 1)..];
        }

        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? rest : rest[..dot];
        var sub = dot < 0 ? null : rest[(dot + 1)..];
        if (!IsName(name) || (sub is not null && !IsName(sub)))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"'{text}' is not a valid attribute path.");
        }

        return new AttributePath(urn, name, sub);
    }

    /// <summary>ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA; "$ref" is allowed too.</summary>
    public static bool IsName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        if (name == "$ref")
        {
            return true;
        }

        if (!char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString()
    {
        var head = SchemaUrn is null ? Name : $"{SchemaUrn}:{Name}";
        return SubAttribute is null ? head : $"{head}.{SubAttribute}";
    }
}
