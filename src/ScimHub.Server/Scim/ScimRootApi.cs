using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Projection;
using ScimHub.Core.Schemas;
using ScimHub.Provisioning.Groups;
using ScimHub.Provisioning.Storage;
using ScimHub.Provisioning.Users;

namespace ScimHub.Server.Scim;

/// <summary>POST /.search across users and groups (RFC 7644 §3.4.3), and /Me, which the hub does not serve (§3.11).</summary>
internal static class ScimRootApi
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static RouteGroupBuilder MapScimRoot(this RouteGroupBuilder scim)
    {
        scim.MapPost("/.search", SearchAsync);
        scim.MapMethods("/Me", Methods, NotImplemented);
        scim.MapMethods("/Me/{**rest}", Methods, NotImplemented);
        return scim;
    }

    private static IResult NotImplemented() =>
        throw new ScimException(501, null, "/Me is not supported: a provisioning app's token speaks for the app, not for a user.");

    /// <summary>
    /// Users first, then groups. A filter that names an attribute only one type has matches nothing of the other
    /// type; attributes/excludedAttributes apply to each type as far as it has them.
    /// </summary>
    private static async Task<IResult> SearchAsync(HttpContext context, DirectoryUsers users, DirectoryGroups groups, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var (query, attributes, excluded) = scim.SearchQuery(await ScimJson.ReadObjectAsync(context.Request, cancellationToken));
        var userSelection = SelectionFor(attributes, excluded, scim.UserType);
        var groupSelection = SelectionFor(attributes, excluded, CoreSchemas.GroupType);

        // sortBy names an attribute of one type, or of both; each type sorts by it only if it has it.
        var userQuery = query.SortBy is not null && scim.UserType.Resolve(query.SortBy) is null ? query with { SortBy = null } : query;
        var groupQuery = query.SortBy is not null && CoreSchemas.GroupType.Resolve(query.SortBy) is null ? query with { SortBy = null } : query;
        var userCount = await CountOrNullAsync(() => users.ListAsync(scim.App.DirectoryId, scim.UserType, userQuery with { Count = 0 }, false, cancellationToken));
        var groupCount = await CountOrNullAsync(() => groups.ListAsync(scim.App.DirectoryId, groupQuery with { Count = 0 }, false, cancellationToken));
        if (userCount is null && groupCount is null)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidFilter, "The filter names attributes that neither users nor groups have.");
        }

        var resources = new List<JsonObject>();
        var skip = query.StartIndex - 1;
        var room = query.Count;
        if (userCount is > 0 && skip < userCount && room > 0)
        {
            var page = await users.ListAsync(scim.App.DirectoryId, scim.UserType, userQuery with { StartIndex = skip + 1, Count = room }, userSelection.Wants("groups"), cancellationToken);
            resources.AddRange(page.Resources.Select(u => ResourceRendering.Render(u, scim.UserType, scim.BaseUrl, userSelection)));
            room -= page.Resources.Count;
        }

        if (groupCount is > 0 && room > 0)
        {
            var groupSkip = Math.Max(0, skip - (userCount ?? 0));
            var page = await groups.ListAsync(scim.App.DirectoryId, groupQuery with { StartIndex = groupSkip + 1, Count = room }, groupSelection.Wants("members"), cancellationToken);
            resources.AddRange(page.Resources.Select(g => ResourceRendering.Render(g, CoreSchemas.GroupType, scim.BaseUrl, groupSelection)));
        }

        var total = (userCount ?? 0) + (groupCount ?? 0);
        return ScimJson.Write(200, ResourceRendering.ListResponse(new ResourcePage(total, query.StartIndex, []), resources));
    }

    private static AttributeSelection SelectionFor(string? attributes, string? excluded, ResourceType type)
    {
        static string? Known(string? list, ResourceType type) => list is null ? null : string.Join(",", list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(a => type.FindSchema(a) is not null || type.Resolve(Core.Paths.AttributePath.Parse(a.Split('[')[0])) is not null));
        return AttributeSelection.Parse(Known(attributes, type), Known(excluded, type), type);
    }

    private static async Task<int?> CountOrNullAsync(Func<Task<ResourcePage>> count)
    {
        try
        {
            return (await count()).TotalResults;
        }
        catch (ScimException exception) when (exception.ScimType == ScimErrorType.InvalidFilter)
        {
            return null;
        }
    }
}
