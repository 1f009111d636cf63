using ScimHub.Core.Errors;
using ScimHub.Core.Patch;
using ScimHub.Core.Projection;
using ScimHub.Core.Schemas;
using ScimHub.Provisioning.Groups;

namespace ScimHub.Server.Scim;

/// <summary>/Groups (RFC 7644 §3.2-3.6). Group PATCH answers 204 unless the client asks for attributes, as Entra ID expects.</summary>
internal static class ScimGroupsApi
{
    private static readonly ResourceType Type = CoreSchemas.GroupType;

    public static RouteGroupBuilder MapScimGroups(this RouteGroupBuilder scim)
    {
        var groups = scim.MapGroup("/Groups");
        groups.MapGet("/", ListAsync);
        groups.MapPost("/", CreateAsync);
        groups.MapPost("/.search", SearchAsync);
        groups.MapGet("/{id}", GetAsync);
        groups.MapPut("/{id}", ReplaceAsync);
        groups.MapPatch("/{id}", PatchAsync);
        groups.MapDelete("/{id}", DeleteAsync);
        return scim;
    }

    private static async Task<IResult> ListAsync(HttpContext context, DirectoryGroups groups, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var selection = ScimRequest.Selection(context.Request, Type);
        var page = await groups.ListAsync(scim.App.DirectoryId, scim.ListParameters(context.Request), selection.Wants("members"), cancellationToken);
        return ScimJson.Write(200, ResourceRendering.ListResponse(page, page.Resources.Select(g => Render(g, scim, selection))));
    }

    private static async Task<IResult> SearchAsync(HttpContext context, DirectoryGroups groups, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var (query, attributes, excluded) = scim.SearchQuery(await ScimJson.ReadObjectAsync(context.Request, cancellationToken));
        var selection = AttributeSelection.Parse(attributes, excluded, Type);
        var page = await groups.ListAsync(scim.App.DirectoryId, query, selection.Wants("members"), cancellationToken);
        return ScimJson.Write(200, ResourceRendering.ListResponse(page, page.Resources.Select(g => Render(g, scim, selection))));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, DirectoryGroups groups, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var selection = ScimRequest.Selection(context.Request, Type);
        var group = await groups.GetAsync(scim.App.DirectoryId, id, selection.Wants("members"), cancellationToken)
            ?? throw ScimException.NotFound($"Group '{id}' not found.");
        if (ScimUsersApi.NotModified(context, group.ETag))
        {
            return Results.StatusCode(304);
        }

        return ScimJson.Write(200, Render(group, scim, selection), group.ETag);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, DirectoryGroups groups, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var selection = ScimRequest.Selection(context.Request, Type);
        var body = await ScimJson.ReadObjectAsync(context.Request, cancellationToken);
        var created = await groups.CreateAsync(scim.Events, body, cancellationToken);
        var group = selection.Wants("members") ? await groups.GetAsync(scim.App.DirectoryId, created.Id, true, cancellationToken) ?? created : created;
        return ScimJson.Write(201, Render(group, scim, selection), group.ETag, ResourceRendering.Location(scim.BaseUrl, Type, group.Id));
    }

    private static async Task<IResult> ReplaceAsync(string id, HttpContext context, DirectoryGroups groups, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var selection = ScimRequest.Selection(context.Request, Type);
        var body = await ScimJson.ReadObjectAsync(context.Request, cancellationToken);
        var group = await groups.ReplaceAsync(scim.Events, id, body, ScimUsersApi.IfMatch(context), selection.Wants("members"), cancellationToken);
        return ScimJson.Write(200, Render(group, scim, selection), group.ETag);
    }

    private static async Task<IResult> PatchAsync(string id, HttpContext context, DirectoryGroups groups, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var selection = ScimRequest.Selection(context.Request, Type);
        var operations = PatchRequest.Parse(await ScimJson.ReadObjectAsync(context.Request, cancellationToken));
        // Entra ID: "Returning a body with a list of all the members isn't advisable" (MS-TUT); 204 unless attributes are asked for.
        var wantsBody = context.Request.Query.ContainsKey("attributes") || context.Request.Query.ContainsKey("excludedAttributes");
        var group = await groups.PatchAsync(scim.Events, id, operations, ScimUsersApi.IfMatch(context), wantsBody && selection.Wants("members"), cancellationToken);
        if (!wantsBody)
        {
            context.Response.Headers.ETag = group.ETag;
            return Results.NoContent();
        }

        return ScimJson.Write(200, Render(group, scim, selection), group.ETag);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, DirectoryGroups groups, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        await groups.DeleteAsync(scim.Events, id, ScimUsersApi.IfMatch(context), cancellationToken);
        return Results.NoContent();
    }

    private static System.Text.Json.Nodes.JsonObject Render(Provisioning.Storage.StoredResource group, ScimRequest scim, AttributeSelection selection) =>
        ResourceRendering.Render(group, Type, scim.BaseUrl, selection);
}
