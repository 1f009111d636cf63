using ScimHub.Core.Errors;
using ScimHub.Core.Patch;
using ScimHub.Provisioning.Users;

namespace ScimHub.Server.Scim;

/// <summary>/Users (RFC 7644 §3.2-3.6).</summary>
internal static class ScimUsersApi
{
    public static RouteGroupBuilder MapScimUsers(this RouteGroupBuilder scim)
    {
        var users = scim.MapGroup("/Users");
        users.MapGet("/", ListAsync);
        users.MapPost("/", CreateAsync);
        users.MapPost("/.search", SearchAsync);
        users.MapGet("/{id}", GetAsync);
        users.MapPut("/{id}", ReplaceAsync);
        users.MapPatch("/{id}", PatchAsync);
        users.MapDelete("/{id}", DeleteAsync);
        return scim;
    }

    private static async Task<IResult> ListAsync(HttpContext context, DirectoryUsers users, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var selection = ScimRequest.Selection(context.Request, scim.UserType);
        var page = await users.ListJsonAsync(scim.App.DirectoryId, scim.UserType, scim.ListParameters(context.Request), selection.Wants("groups"), cancellationToken);
        return ScimJson.Write(200, writer => ResourceRendering.WriteListResponse(writer, page, scim.UserType, scim.BaseUrl, selection));
    }

    private static async Task<IResult> SearchAsync(HttpContext context, DirectoryUsers users, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var (query, attributes, excluded) = scim.SearchQuery(await ScimJson.ReadObjectAsync(context.Request, cancellationToken));
        var selection = Core.Projection.AttributeSelection.Parse(attributes, excluded, scim.UserType);
        var page = await users.ListJsonAsync(scim.App.DirectoryId, scim.UserType, query, selection.Wants("groups"), cancellationToken);
        return ScimJson.Write(200, writer => ResourceRendering.WriteListResponse(writer, page, scim.UserType, scim.BaseUrl, selection));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, DirectoryUsers users, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var selection = ScimRequest.Selection(context.Request, scim.UserType);
        var user = await users.GetAsync(scim.App.DirectoryId, id, cancellationToken) ?? throw ScimException.NotFound($"User '{id}' not found.");
        if (NotModified(context, user.ETag))
        {
            return Results.StatusCode(304);
        }

        return ScimJson.Write(200, ResourceRendering.Render(user, scim.UserType, scim.BaseUrl, selection), user.ETag);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, DirectoryUsers users, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var selection = ScimRequest.Selection(context.Request, scim.UserType);
        var body = await ScimJson.ReadObjectAsync(context.Request, cancellationToken);
        var user = await users.CreateAsync(scim.Events, body, cancellationToken);
        return ScimJson.Write(201, ResourceRendering.Render(user, scim.UserType, scim.BaseUrl, selection), user.ETag, ResourceRendering.Location(scim.BaseUrl, scim.UserType, user.Id));
    }

    private static async Task<IResult> ReplaceAsync(string id, HttpContext context, DirectoryUsers users, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var selection = ScimRequest.Selection(context.Request, scim.UserType);
        var body = await ScimJson.ReadObjectAsync(context.Request, cancellationToken);
        var user = await users.ReplaceAsync(scim.Events, id, body, IfMatch(context), cancellationToken);
        return ScimJson.Write(200, ResourceRendering.Render(user, scim.UserType, scim.BaseUrl, selection), user.ETag);
    }

    private static async Task<IResult> PatchAsync(string id, HttpContext context, DirectoryUsers users, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var selection = ScimRequest.Selection(context.Request, scim.UserType);
        var operations = PatchRequest.Parse(await ScimJson.ReadObjectAsync(context.Request, cancellationToken));
        var user = await users.PatchAsync(scim.Events, id, operations, IfMatch(context), cancellationToken);
        return ScimJson.Write(200, ResourceRendering.Render(user, scim.UserType, scim.BaseUrl, selection), user.ETag);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, DirectoryUsers users, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        await users.DeleteAsync(scim.Events, id, IfMatch(context), cancellationToken);
        return Results.NoContent();
    }

    /// <summary>True (with the ETag header set) when If-None-Match names the current version: answer 304.</summary>
    internal static bool NotModified(HttpContext context, string etag)
    {
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length == 0 || (ifNoneMatch != "*" && !ifNoneMatch.Split(',').Any(t => t.Trim() == etag)))
        {
            return false;
        }

        context.Response.Headers.ETag = etag;
        return true;
    }

    internal static string? IfMatch(HttpContext context)
    {
        var value = context.Request.Headers.IfMatch.ToString();
        return value.Length == 0 ? null : value;
    }
}
