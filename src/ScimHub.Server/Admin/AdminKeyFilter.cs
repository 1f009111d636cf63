using ScimHub.Provisioning.Admin;
using ScimHub.Server.Auth;

namespace ScimHub.Server.Admin;

/// <summary>
/// The admin REST API (<c>/api</c>) needs <c>Authorization: Bearer &lt;admin key&gt;</c>, a key made with
/// <c>scimhub admin keys create</c>. App tokens are not admin keys. Failure: 401 ProblemDetails.
/// </summary>
internal sealed class AdminKeyFilter(AdminKeys keys, FailedAuthAttempts failures) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var key = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? await keys.AuthenticateAsync(header[scheme.Length..].Trim(), http.RequestAborted)
            : null;
        if (key is null && !failures.Record(http))
        {
            http.Response.Headers.RetryAfter = "60";
            return Results.Problem(statusCode: 429, title: "Too many failed attempts", detail: FailedAuthAttempts.TooMany);
        }

        if (key is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"ScimHub admin\"";
            return Results.Problem(
                statusCode: 401,
                title: "Admin key required",
                detail: "Send an admin API key: 'Authorization: Bearer <key>'. Create one with: scimhub admin keys create --name <who>");
        }

        return await next(context);
    }
}
