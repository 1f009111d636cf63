using Microsoft.AspNetCore.Diagnostics;

namespace ScimHub.Server.Errors;

/// <summary>Gives bodiless errors under /scim (no such route, method not allowed) an RFC 7644 error body too.</summary>
internal static class ScimStatusCodes
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (!http.Request.Path.StartsWithSegments("/scim", StringComparison.OrdinalIgnoreCase))
        {
            return Task.CompletedTask;
        }

        var status = http.Response.StatusCode;
        var detail = status switch
        {
            404 => $"No SCIM endpoint at {http.Request.Path}. The base URL is /scim/{{appId}}/v2, with /Users, /Groups, /Bulk, /.search, /Schemas, /ResourceTypes and /ServiceProviderConfig under it.",
            405 => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
            _ => $"The request failed with HTTP status {status}.",
        };
        return ScimErrorBody.WriteAsync(http, status, null, detail);
    }
}
