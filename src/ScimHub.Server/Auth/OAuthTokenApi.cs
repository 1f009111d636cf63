using System.Net.Http.Headers;
using System.Text;
using ScimHub.Provisioning.Apps;

namespace ScimHub.Server.Auth;

/// <summary>
/// <c>POST /oauth/{appId}/token</c>: the app's OAuth 2.0 token endpoint, client credentials grant only (RFC 6749
/// §4.4). The client authenticates with HTTP Basic (§2.3.1) or <c>client_id</c>/<c>client_secret</c> in the form;
/// the answer is an access token (Bearer, 1–6 hours) for the app's SCIM base URL. Errors are §5.2 JSON bodies.
/// </summary>
internal static class OAuthTokenApi
{
    private const string GrantType = "client_credentials";

    public static IEndpointRouteBuilder MapOAuthToken(this IEndpointRouteBuilder app)
    {
        app.MapPost("/oauth/{appId}/token", TokenAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> TokenAsync(string appId, HttpContext http, OAuthClients clients, FailedAuthAttempts failures, CancellationToken cancellationToken)
    {
        // RFC 6749 §5.1: token responses must not be cached.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return Error(400, "invalid_request", "Send the token request as application/x-www-form-urlencoded (RFC 6749 §4.4.2).");
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        if (form.FirstOrDefault(f => f.Value.Count > 1) is { Key: { } repeated })
        {
            return Error(400, "invalid_request", $"'{repeated}' is given more than once.");
        }

        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0)
        {
            return Error(400, "invalid_request", "grant_type is missing; this endpoint takes grant_type=client_credentials.");
        }

        if (grantType != GrantType)
        {
            return Error(400, "unsupported_grant_type", $"Only grant_type=client_credentials is supported; got '{grantType}'.");
        }

        if (form.ContainsKey("client_assertion") || form.ContainsKey("client_assertion_type"))
        {
            return Error(400, "invalid_request", "Client assertions (workload identity federation) are not supported; authenticate with the client id and secret.");
        }

        var basic = BasicCredentials(http.Request.Headers.Authorization.ToString());
        var inForm = (Id: form["client_id"].ToString(), Secret: form["client_secret"].ToString());
        if (basic is not null && inForm.Secret.Length > 0)
        {
            return Error(400, "invalid_request", "Authenticate the client one way: HTTP Basic or client_id/client_secret in the form, not both.");
        }

        var (clientId, clientSecret) = basic ?? inForm;
        var grant = clientId.Length == 0 || clientSecret.Length == 0
            ? OAuthGrant.Refused("invalid_client", "Client authentication is missing: send the client id and secret (HTTP Basic, or client_id and client_secret in the form).")
            : await clients.GrantAsync(appId, clientId, clientSecret, cancellationToken);
        if (grant.AccessToken is null)
        {
            if (!failures.Record(http))
            {
                http.Response.Headers.RetryAfter = "60";
                return Error(429, grant.Error!, FailedAuthAttempts.TooMany);
            }

            http.Response.Headers.WWWAuthenticate = "Basic realm=\"ScimHub\"";
            return Error(401, grant.Error!, grant.Description!);
        }

        var body = new Dictionary<string, object>
        {
            ["access_token"] = grant.AccessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)grant.ExpiresIn.TotalSeconds,
        };
        if (form["scope"].ToString() is { Length: > 0 } scope)
        {
            // The token covers the app's SCIM API whatever the scope says; the requested scope is echoed as granted.
            body["scope"] = scope;
        }

        return Results.Json(body, statusCode: 200);
    }

    /// <summary>RFC 6749 §2.3.1: Basic with the form-urlencoded client id and secret; null when not Basic.</summary>
    private static (string Id, string Secret)? BasicCredentials(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || !value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
        {
            return null;
        }

        var bytes = new byte[value.Parameter.Length];
        if (!Convert.TryFromBase64String(value.Parameter, bytes, out var length))
        {
            return ("", "");
        }

        var text = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? ("", "") : (FormDecode(text[..colon]), FormDecode(text[(colon + 1)..]));
    }

    private static string FormDecode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);
}
