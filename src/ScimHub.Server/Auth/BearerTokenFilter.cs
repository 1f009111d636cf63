using ScimHub.Core.Schemas;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Profiles;
using ScimHub.Server.Errors;
using ScimHub.Server.Scim;

namespace ScimHub.Server.Auth;

/// <summary>
/// Every SCIM request needs <c>Authorization: Bearer &lt;token&gt;</c> with an active token of the app its URL names.
/// No token, a wrong, revoked or expired one, or another app's token is a 401 with a SCIM error body and <c>WWW-Authenticate</c>.
/// </summary>
internal sealed class BearerTokenFilter(ProvisioningApps apps, DirectoryProfiles profiles, FailedAuthAttempts failures) : IEndpointFilter
{
    private const string ItemKey = "ScimHub.App";

    private const string TypeKey = "ScimHub.UserType";

    public static AppIdentity App(HttpContext context) => (AppIdentity)context.Items[ItemKey]!;

    /// <summary>The User resource type of the app's directory, as of this request's profile version.</summary>
    public static ResourceType UserType(HttpContext context) => (ResourceType)context.Items[TypeKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var appId = http.GetRouteValue("appId") as string ?? "";
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            return Unauthorized(http, "invalid_request", "Send the app's bearer token: 'Authorization: Bearer <token>'.");
        }

        var check = await apps.AuthenticateAsync(appId, header[scheme.Length..].Trim(), http.RequestAborted);
        if (check.App is null)
        {
            return Unauthorized(http, "invalid_token", check.Refusal!);
        }

        http.Items[ItemKey] = check.App;
        http.Items[TypeKey] = check.App.Mapping.Extend(await profiles.UserTypeAsync(check.App.DirectoryId, check.App.ProfileVersion, http.RequestAborted));
        return await next(context);
    }

    private IResult Unauthorized(HttpContext http, string error, string detail)
    {
        if (!failures.Record(http))
        {
            http.Response.Headers.RetryAfter = "60";
            return Results.Extensions.Scim(429, ScimErrorBody.Create(429, null, FailedAuthAttempts.TooMany));
        }

        http.Response.Headers.WWWAuthenticate = $"Bearer realm=\"ScimHub\", error=\"{error}\"";
        return Results.Extensions.Scim(401, ScimErrorBody.Create(401, null, detail));
    }
}
