using ScimHub.Core.Errors;

namespace ScimHub.Provisioning.Storage;

/// <summary>If-Match checks (RFC 7644 §3.14, RFC 7232 §3.1).</summary>
public static class Preconditions
{
    /// <summary>Throws 412 when <paramref name="ifMatch"/> is given and names neither "*" nor the current version.</summary>
    public static void CheckIfMatch(string? ifMatch, StoredResource current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return;
        }

        var tags = ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (tags.Any(t => t == "*" || Opaque(t) == Opaque(current.ETag)))
        {
            return;
        }

        throw new ScimException(412, null, $"The resource has changed: its version is {current.ETag}, the request's If-Match is {ifMatch}. Read it again and retry.");
    }

    private static string Opaque(string tag) => (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag).Trim('"');
}
