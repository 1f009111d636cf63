using Microsoft.AspNetCore.Http.HttpResults;
using ScimHub.Provisioning;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Directories;
using ScimHub.Provisioning.Reports;

namespace ScimHub.Server.Admin;

/// <summary>
/// Provisioning apps over the admin REST API: <c>/api/apps</c> (list, create), <c>/api/apps/{id}</c> (read, rename
/// or switch features with PATCH, delete) and <c>/api/apps/{id}/tokens</c> (list, issue, rotate, revoke). The same
/// use cases as <c>scimhub apps …</c>.
/// </summary>
internal static class AppsApi
{
    public static RouteGroupBuilder MapApps(this RouteGroupBuilder api)
    {
        api.MapGet("/app-templates", () => TypedResults.Ok(AppTemplates.All.ToArray())).WithTags("Apps")
            .WithSummary("The templates an app can be created from: required attributes, starting features, what the hub does for that provider.");
        var apps = api.MapGroup("/apps").WithTags("Apps");
        apps.MapGet("/", ListAsync).WithSummary("List the provisioning apps.");
        apps.MapPost("/", CreateAsync).WithSummary("Create an app; the answer holds its SCIM base URL and first bearer token (shown once).");
        apps.MapGet("/{appId}", GetAsync).WithSummary("One app with its provisioning features.");
        apps.MapPatch("/{appId}", UpdateAsync).WithSummary("Rename an app and/or switch provisioning features; features not named stay as they are.");
        apps.MapDelete("/{appId}", DeleteAsync).WithSummary("Delete an app and its tokens; the directory's users and groups stay.");
        apps.MapGet("/{appId}/tokens", ListTokensAsync).WithSummary("The app's bearer tokens (never the tokens themselves), newest first.");
        apps.MapPost("/{appId}/tokens", IssueTokenAsync).WithSummary("Issue one more token; the app's other tokens keep working.");
        apps.MapPost("/{appId}/tokens/rotate", RotateTokenAsync).WithSummary("Issue a new token and retire the earlier ones, at once or after an overlap.");
        apps.MapDelete("/{appId}/tokens/{tokenId}", RevokeTokenAsync).WithSummary("Revoke one token; it stops working at once.");
        apps.MapGet("/{appId}/rules", GetRulesAsync).WithSummary("The app's attribute rules: source path or constant → custom profile attribute.");
        apps.MapPut("/{appId}/rules", SetRulesAsync).WithSummary("Replace the app's attribute rules (checked against the directory's profile; nothing half-saved).");
        apps.MapPost("/{appId}/rules/preview", PreviewRulesAsync)
            .WithSummary("What a SCIM user the app sends becomes in the directory, under the saved rules or the rules given; nothing is saved.");
        apps.MapGet("/{appId}/oauth-clients", ListClientsAsync).WithSummary("The app's OAuth 2.0 clients (never their secrets), newest first.");
        apps.MapPost("/{appId}/oauth-clients", CreateClientAsync).WithSummary("Create an OAuth 2.0 client (client credentials); the answer holds its secret (shown once) and token URL.");
        apps.MapDelete("/{appId}/oauth-clients/{clientId}", RevokeClientAsync).WithSummary("Revoke a client and its access tokens, at once.");
        return api;
    }

    private static async Task<Ok<AppView[]>> ListAsync(HttpRequest request, ProvisioningApps apps, CancellationToken cancellationToken) =>
        TypedResults.Ok((await apps.ListAsync(cancellationToken)).Select(a => AppView.Of(a, request)).ToArray());

    private static async Task<Results<Created<CreatedApp>, ValidationProblem>> CreateAsync(
        NewAppRequest body, HttpRequest request, ProvisioningApps apps, HubDirectories directories, CancellationToken cancellationToken)
    {
        var directory = body.Directory is { } wanted
            ? await directories.FindAsync(wanted, cancellationToken) ?? throw new InvalidInputException("directory", $"No directory '{wanted}' (give its id or name).")
            : await directories.EnsureDefaultAsync(cancellationToken);
        var (app, token) = await apps.CreateAsync(directory.Id, body.Name ?? "", body.Template, body.Features, body.RequiredAttributes, cancellationToken);
        var view = AppView.Of(app, request);
        return TypedResults.Created($"/api/apps/{app.Id}", new CreatedApp(view, TokenSecret.Of(token)));
    }

    private static async Task<Results<Ok<AppView>, ProblemHttpResult>> GetAsync(string appId, HttpRequest request, ProvisioningApps apps, CancellationToken cancellationToken) =>
        await apps.FindAsync(appId, cancellationToken) is { } app ? TypedResults.Ok(AppView.Of(app, request)) : NoSuchApp(appId);

    private static async Task<Results<Ok<AppView>, ProblemHttpResult>> UpdateAsync(
        string appId, AppChanges body, HttpRequest request, ProvisioningApps apps, CancellationToken cancellationToken) =>
        await apps.UpdateAsync(appId, body.Name, body.Features, body.RequiredAttributes, cancellationToken) is { } app ? TypedResults.Ok(AppView.Of(app, request)) : NoSuchApp(appId);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string appId, ProvisioningApps apps, CancellationToken cancellationToken) =>
        await apps.DeleteAsync(appId, cancellationToken) ? TypedResults.NoContent() : NoSuchApp(appId);

    private static async Task<Results<Ok<TokenView[]>, ProblemHttpResult>> ListTokensAsync(string appId, ProvisioningApps apps, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await apps.ListTokensAsync(appId, cancellationToken) is { } tokens
            ? TypedResults.Ok(tokens.Select(t => new TokenView(t.Id, t.Name, t.Created, t.Expires, t.LastUsed, t.Revoked, t.StateAt(now))).ToArray())
            : NoSuchApp(appId);
    }

    private static async Task<Results<Created<TokenSecret>, ProblemHttpResult>> IssueTokenAsync(
        string appId, TokenRequest body, ProvisioningApps apps, TimeProvider time, CancellationToken cancellationToken)
    {
        var expires = AppTokens.ParseOptionalExpiry(body.Expires, time.GetUtcNow());
        return await apps.IssueTokenAsync(appId, body.Name, expires, cancellationToken) is { } token
            ? TypedResults.Created($"/api/apps/{appId}/tokens/{token.TokenId}", TokenSecret.Of(token))
            : NoSuchApp(appId);
    }

    private static async Task<Results<Created<TokenSecret>, ProblemHttpResult>> RotateTokenAsync(
        string appId, RotationRequest body, ProvisioningApps apps, TimeProvider time, CancellationToken cancellationToken)
    {
        var expires = AppTokens.ParseOptionalExpiry(body.Expires, time.GetUtcNow());
        var overlap = body.Overlap is { } window ? ReportQuery.Duration(window, "overlap") : (TimeSpan?)null;
        return await apps.RotateTokenAsync(appId, expires, overlap, cancellationToken) is { } token
            ? TypedResults.Created($"/api/apps/{appId}/tokens/{token.TokenId}", TokenSecret.Of(token))
            : NoSuchApp(appId);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(string appId, string tokenId, ProvisioningApps apps, CancellationToken cancellationToken) =>
        await apps.RevokeTokenAsync(appId, tokenId, cancellationToken) switch
        {
            null => NoSuchApp(appId),
            false => TypedResults.Problem(statusCode: 404, title: "No such token", detail: $"App '{appId}' has no active token with id '{tokenId}'."),
            true => TypedResults.NoContent(),
        };

    private static async Task<Results<Ok<ClientView[]>, ProblemHttpResult>> ListClientsAsync(string appId, OAuthClients clients, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await clients.ListAsync(appId, cancellationToken) is { } list
            ? TypedResults.Ok(list.Select(c => ClientView.Of(c, now)).ToArray())
            : NoSuchApp(appId);
    }

    private static async Task<Results<Created<CreatedClient>, ProblemHttpResult>> CreateClientAsync(
        string appId, ClientRequest body, HttpRequest request, OAuthClients clients, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expires = AppTokens.ParseOptionalExpiry(body.Expires, now);
        var lifetime = body.AccessTokenLifetime is { } l ? ReportQuery.Duration(l, "accessTokenLifetime") : (TimeSpan?)null;
        return await clients.CreateAsync(appId, body.Name, expires, lifetime, cancellationToken) is var (client, secret)
            ? TypedResults.Created($"/api/apps/{appId}/oauth-clients/{client.Id}",
                new CreatedClient(ClientView.Of(client, now), secret, $"{request.Scheme}://{request.Host}{request.PathBase}/oauth/{appId}/token"))
            : NoSuchApp(appId);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeClientAsync(string appId, string clientId, OAuthClients clients, CancellationToken cancellationToken) =>
        await clients.RevokeAsync(appId, clientId, cancellationToken) switch
        {
            null => NoSuchApp(appId),
            false => TypedResults.Problem(statusCode: 404, title: "No such client", detail: $"App '{appId}' has no active OAuth client with id '{clientId}'."),
            true => TypedResults.NoContent(),
        };

    private static async Task<Results<Ok<RulesBody>, ProblemHttpResult>> GetRulesAsync(string appId, AppMappings mappings, CancellationToken cancellationToken) =>
        await mappings.GetAsync(appId, cancellationToken) is { } rules ? TypedResults.Ok(new RulesBody([.. rules])) : NoSuchApp(appId);

    private static async Task<Results<Ok<RulesBody>, ProblemHttpResult>> SetRulesAsync(string appId, RulesBody body, AppMappings mappings, CancellationToken cancellationToken) =>
        await mappings.SetAsync(appId, body.Rules ?? throw new InvalidInputException("rules", "Give the rules as 'rules' (an empty list removes them)."), cancellationToken) is { } rules
            ? TypedResults.Ok(new RulesBody([.. rules]))
            : NoSuchApp(appId);

    private static async Task<Results<Ok<System.Text.Json.Nodes.JsonObject>, ProblemHttpResult>> PreviewRulesAsync(
        string appId, PreviewRequest body, AppMappings mappings, CancellationToken cancellationToken)
    {
        if (body.Resource is null)
        {
            throw new InvalidInputException("resource", "Give the SCIM user to preview as 'resource'.");
        }

        return await mappings.PreviewAsync(appId, body.Resource, body.Rules, cancellationToken) is { } user ? TypedResults.Ok(user) : NoSuchApp(appId);
    }

    private static ProblemHttpResult NoSuchApp(string appId) =>
        TypedResults.Problem(statusCode: 404, title: "No such app", detail: $"No app with id '{appId}'. GET /api/apps lists them.");
}

/// <summary>An app as the admin API shows it.</summary>
internal sealed record AppView(
    string Id, string Name, string DirectoryId, DateTimeOffset Created, string ScimBaseUrl, int ActiveTokens, string Template, AppFeatures Features, IReadOnlyList<string> RequiredAttributes)
{
    public static AppView Of(ProvisioningApp app, HttpRequest request) =>
        new(app.Id, app.Name, app.DirectoryId, app.Created, $"{request.Scheme}://{request.Host}{request.PathBase}/scim/{app.Id}/v2", app.ActiveTokens,
            app.Template, app.Features, app.RequiredAttributes.Paths);
}

/// <summary>
/// POST /api/apps: a name; optionally a directory (id or name; default: the first), a template (entra, okta, onelogin,
/// google, generic; default generic), and features and required attributes that replace the template's.
/// </summary>
internal sealed record NewAppRequest(string? Name, string? Directory, string? Template, FeatureChanges? Features, string[]? RequiredAttributes);

/// <summary>PATCH /api/apps/{id}: what to change; absent fields stay as they are (requiredAttributes replaces the whole list).</summary>
internal sealed record AppChanges(string? Name, FeatureChanges? Features, string[]? RequiredAttributes);

/// <summary>A new app and its first token.</summary>
internal sealed record CreatedApp(AppView App, TokenSecret Token);

/// <summary>POST …/tokens: a name to tell the token apart, and an expiry (a duration such as 90d, or an ISO-8601 time).</summary>
internal sealed record TokenRequest(string? Name, string? Expires);

/// <summary>POST …/tokens/rotate: the new token's expiry, and how long the earlier ones keep working (e.g. 24h; default: not at all).</summary>
internal sealed record RotationRequest(string? Expires, string? Overlap);

/// <summary>A newly issued token: <see cref="Token"/> is in this answer only.</summary>
internal sealed record TokenSecret(string Id, string Token, DateTimeOffset? Expires)
{
    public static TokenSecret Of(IssuedToken token) => new(token.TokenId, token.Token, token.Expires);
}

/// <summary>A token as listed: state is active, expired or revoked.</summary>
internal sealed record TokenView(string Id, string? Name, DateTimeOffset Created, DateTimeOffset? Expires, DateTimeOffset? LastUsed, DateTimeOffset? Revoked, string State);

/// <summary>GET/PUT …/rules: the app's attribute rules.</summary>
internal sealed record RulesBody(MappingRule[]? Rules);

/// <summary>POST …/rules/preview: a SCIM user as the app would send it, and optionally rules to try instead of the saved ones.</summary>
internal sealed record PreviewRequest(System.Text.Json.Nodes.JsonObject? Resource, MappingRule[]? Rules);

/// <summary>POST …/oauth-clients: a name, the secret's expiry (duration or ISO-8601 time; default never) and the access tokens' lifetime (1h–6h; default 1h).</summary>
internal sealed record ClientRequest(string? Name, string? Expires, string? AccessTokenLifetime);

/// <summary>An OAuth client as listed; accessTokenLifetime in seconds.</summary>
internal sealed record ClientView(string ClientId, string? Name, DateTimeOffset Created, DateTimeOffset? Expires, DateTimeOffset? LastUsed, DateTimeOffset? Revoked, int AccessTokenLifetime, string State)
{
    public static ClientView Of(OAuthClient client, DateTimeOffset now) =>
        new(client.Id, client.Name, client.Created, client.Expires, client.LastUsed, client.Revoked, (int)client.AccessTokenLifetime.TotalSeconds, client.StateAt(now));
}

/// <summary>A new OAuth client: <see cref="ClientSecret"/> is in this answer only; <see cref="TokenUrl"/> is where the provider exchanges it.</summary>
internal sealed record CreatedClient(ClientView Client, string ClientSecret, string TokenUrl);
