using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Filters;
using ScimHub.Core.Paths;
using ScimHub.Core.Projection;
using ScimHub.Core.Schemas;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Reports;
using ScimHub.Provisioning.Storage;
using ScimHub.Server.Auth;

namespace ScimHub.Server.Scim;

/// <summary>
/// What every SCIM handler needs from the HTTP request: the app, the base URL, the query parameters, the
/// <see cref="EventContext"/> its changes are recorded under, and the directory's User type (with its custom
/// profile attributes).
/// </summary>
internal sealed record ScimRequest(AppIdentity App, string BaseUrl, EventContext Events, ResourceType UserType)
{
    private const string ItemKey = "ScimHub.ScimRequest";

    /// <summary>The request's one instance (its <see cref="EventContext"/> tells later whether a change committed).</summary>
    public static ScimRequest From(HttpContext context)
    {
        if (context.Items[ItemKey] is ScimRequest known)
        {
            return known;
        }

        var app = BearerTokenFilter.App(context);
        var request = context.Request;
        var scim = new ScimRequest(app, $"{request.Scheme}://{request.Host}{request.PathBase}/scim/{app.AppId}/v2", new EventContext(app, CorrelationIds.Of(context)),
            BearerTokenFilter.UserType(context));
        context.Items[ItemKey] = scim;
        return scim;
    }

    public static AttributeSelection Selection(HttpRequest request, ResourceType type) =>
        AttributeSelection.Parse(request.Query["attributes"], request.Query["excludedAttributes"], type);

    /// <summary>The list parameters of RFC 7644 §3.4.2 from a query string.</summary>
    public ListQuery ListParameters(HttpRequest request) => ToListQuery(
        request.Query["filter"], request.Query["sortBy"], request.Query["sortOrder"], request.Query["startIndex"], request.Query["count"]) with
    { Client = App.AppId };

    /// <summary>The same parameters from a POST .search body (RFC 7644 §3.4.3).</summary>
    public (ListQuery Query, string? Attributes, string? ExcludedAttributes) SearchQuery(JsonObject body)
    {
        string? Text(string name)
        {
            var node = Core.Resources.ResourceReader.Find(body, name);
            return node switch
            {
                null => null,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
                JsonArray a => string.Join(",", a.Select(i => i?.ToString())),
                _ => throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{name}' has the wrong type."),
            };
        }

        var query = ToListQuery(Text("filter"), Text("sortBy"), Text("sortOrder"), Text("startIndex"), Text("count")) with { Client = App.AppId };
        return (query, Text("attributes"), Text("excludedAttributes"));
    }

    private static ListQuery ToListQuery(string? filter, string? sortBy, string? sortOrder, string? startIndex, string? count)
    {
        var parsedFilter = string.IsNullOrWhiteSpace(filter) ? null : FilterParser.Parse(filter);
        var sort = string.IsNullOrWhiteSpace(sortBy) ? null : AttributePath.Parse(sortBy.Trim());
        var descending = (sortOrder?.Trim().ToLowerInvariant()) switch
        {
            null or "" or "ascending" => false,
            "descending" => true,
            _ => throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"sortOrder must be 'ascending' or 'descending'; got '{sortOrder}'."),
        };

        // RFC 7644 §3.4.2.4: startIndex below 1 counts as 1; a negative count as 0; the server caps count.
        var start = Math.Max(1, Integer(startIndex, "startIndex") ?? 1);
        var size = Math.Clamp(Integer(count, "count") ?? ListQuery.DefaultCount, 0, ListQuery.MaxCount);
        return new ListQuery(parsedFilter, sort, descending, start, size);
    }

    private static int? Integer(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"{name} must be a whole number; got '{text}'.");
        }

        return (int)Math.Clamp(value, int.MinValue, int.MaxValue);
    }
}
