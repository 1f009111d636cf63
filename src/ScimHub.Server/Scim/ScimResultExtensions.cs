using System.Text.Json.Nodes;

namespace ScimHub.Server.Scim;

/// <summary><c>Results.Extensions.Scim(...)</c>: a SCIM JSON response.</summary>
internal static class ScimResultExtensions
{
    public static IResult Scim(this IResultExtensions extensions, int status, JsonNode body, string? etag = null, string? location = null)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        return ScimJson.Write(status, body, etag, location);
    }
}
