using System.Text;
using System.Text.Json;
using ScimHub.Provisioning.Reports;

namespace ScimHub.Server.Admin;

/// <summary>
/// The Provisioning Report over the admin REST API:
/// <c>GET /api/reports/provisioning</c> (search, newest first, paged by cursor),
/// <c>…/timeline</c> (one user across apps, oldest first), <c>…/summary</c> (counts per app × operation × outcome)
/// and <c>…/export?format=csv|json</c> (every event of a search). All take the same filters; see README.
/// </summary>
internal static class ReportsApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static RouteGroupBuilder MapReports(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports/provisioning");
        reports.MapGet("/", SearchAsync);
        reports.MapGet("/timeline", TimelineAsync);
        reports.MapGet("/summary", SummaryAsync);
        reports.MapGet("/export", ExportAsync);
        return api;
    }

    private static async Task<IResult> SearchAsync(HttpRequest request, ProvisioningReports reports, TimeProvider time, CancellationToken cancellationToken)
    {
        var page = await reports.SearchAsync(Query(request, time), cancellationToken);
        return Results.Json(new { events = page.Events, nextCursor = page.NextCursor }, Json);
    }

    private static async Task<IResult> TimelineAsync(HttpRequest request, ProvisioningReports reports, TimeProvider time, CancellationToken cancellationToken)
    {
        var page = await reports.TimelineAsync(Query(request, time), cancellationToken);
        return Results.Json(new { events = page.Events, nextCursor = page.NextCursor }, Json);
    }

    private static async Task<IResult> SummaryAsync(HttpRequest request, ProvisioningReports reports, TimeProvider time, CancellationToken cancellationToken)
    {
        var query = Query(request, time);
        var rows = await reports.SummaryAsync(query, cancellationToken);
        return Results.Json(new { from = query.From, to = query.To, rows }, Json);
    }

    private static async Task ExportAsync(HttpContext context, ProvisioningReports reports, TimeProvider time, CancellationToken cancellationToken)
    {
        var query = Query(context.Request, time);
        var format = context.Request.Query["format"].ToString().Trim().ToLowerInvariant();
        if (format is not ("" or "csv" or "json"))
        {
            throw new ReportQueryException("format", $"'format' must be csv or json; got '{context.Request.Query["format"]}'.");
        }

        var csv = format != "json";
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"provisioning-report-{stamp}.{(csv ? "csv" : "json")}\"";
        var events = reports.ExportAsync(query, cancellationToken);
        if (csv)
        {
            await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            await ReportCsv.WriteAsync(writer, events, cancellationToken);
        }
        else
        {
            await JsonSerializer.SerializeAsync(context.Response.Body, events, Json, cancellationToken);
        }
    }

    private static ReportQuery Query(HttpRequest request, TimeProvider time)
    {
        string? Text(string name) => request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
        var exact = Text("exact");
        if (exact is not (null or "" or "true" or "false"))
        {
            throw new ReportQueryException("exact", $"'exact' must be true or false; got '{exact}'.");
        }

        return ReportQuery.Create(time.GetUtcNow(), user: Text("user"), exactUser: exact == "true", app: Text("app"), from: Text("from"), to: Text("to"),
            since: Text("since"), outcome: Text("outcome"), operation: Text("operation"), direction: Text("direction"),
            correlationId: Text("correlationId"), limit: Text("limit"), cursor: Text("cursor"));
    }
}
