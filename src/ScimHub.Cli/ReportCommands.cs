using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ScimHub.Provisioning.Reports;

namespace ScimHub.Cli;

/// <summary>
/// <c>scimhub reports …</c>: the Provisioning Report from a terminal — search (a table, or every matching event as
/// CSV / JSON), a user's timeline, a summary, and the retention purge — on the same use cases as the admin API.
/// </summary>
internal static class ReportCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(Func<ParseResult, CancellationToken, Task<Hub>> openAsync, TextWriter output)
    {
        var user = new Option<string?>("--user") { Description = "End-user identifier: userName, email, externalId or hub id (prefix, case-insensitive)." };
        var exact = new Option<bool>("--exact") { Description = "--user must match an identifier exactly, not as a prefix." };
        var app = new Option<string?>("--app") { Description = "Application name, e.g. \"Microsoft Entra ID\" (case-insensitive)." };
        var since = new Option<string?>("--since") { Description = "Time span back from now: 1h, 24h, 7d, 30d (or any number of m, h, d, w)." };
        var from = new Option<string?>("--from") { Description = "Start of the span, ISO-8601 (2026-11-29T08:00:00Z, or with an offset; no offset = UTC)." };
        var to = new Option<string?>("--to") { Description = "End of the span, ISO-8601." };
        var outcome = new Option<string?>("--outcome") { Description = $"One of: {string.Join(", ", EventOutcomes.All)}." };
        var operation = new Option<string?>("--operation") { Description = $"One of: {string.Join(", ", EventOperations.All)}." };
        var direction = new Option<string?>("--direction") { Description = $"One of: {string.Join(", ", EventDirections.All)}." };
        var correlation = new Option<string?>("--correlation-id") { Description = "Events of one request (its X-Correlation-Id)." };
        var limit = new Option<string?>("--limit") { Description = $"Events per page of the table (default {ReportQuery.DefaultLimit}, at most {ReportQuery.MaxLimit})." };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after the page that printed this cursor." };
        var format = new Option<string>("--format") { Description = "table (a page), csv or json (every matching event).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");

        ReportQuery QueryOf(ParseResult parse) => ReportQuery.Create(
            DateTimeOffset.UtcNow, user: parse.GetValue(user), exactUser: parse.GetValue(exact), app: parse.GetValue(app), from: parse.GetValue(from),
            to: parse.GetValue(to), since: parse.GetValue(since), outcome: parse.GetValue(outcome), operation: parse.GetValue(operation),
            direction: parse.GetValue(direction), correlationId: parse.GetValue(correlation), limit: parse.GetValue(limit), cursor: parse.GetValue(cursor));

        var search = new Command("search", "Search provisioning events, newest first. No filter: every event in the span.")
        {
            user, exact, app, since, from, to, outcome, operation, direction, correlation, limit, cursor, format,
        };
        search.SetAction(async (parse, ct) =>
        {
            var query = QueryOf(parse);
            var hub = await openAsync(parse, ct);
            var wanted = parse.GetValue(format)!;
            if (wanted == "table")
            {
                var page = await hub.Reports.SearchAsync(query, ct);
                await WriteTableAsync(output, page, "No provisioning events match.");
            }
            else
            {
                await WriteAllAsync(output, wanted, hub.Reports.ExportAsync(query, ct), ct);
            }

            return 0;
        });

        var timeline = new Command("timeline", "Every event of one user across all apps, oldest first.")
        {
            user, app, since, from, to, outcome, operation, direction, limit, cursor, format,
        };
        timeline.SetAction(async (parse, ct) =>
        {
            var query = QueryOf(parse) with { ExactUser = true };
            var hub = await openAsync(parse, ct);
            var wanted = parse.GetValue(format)!;
            if (wanted == "table")
            {
                await WriteTableAsync(output, await hub.Reports.TimelineAsync(query, ct), $"No provisioning events for '{query.User}'.");
            }
            else
            {
                await WriteAllAsync(output, wanted, hub.Reports.ExportAsync(query, timeline: true, ct), ct);
            }

            return 0;
        });

        var summary = new Command("summary", "Counts per app, operation and outcome over a time span.") { user, app, since, from, to, outcome, operation, direction };
        summary.SetAction(async (parse, ct) =>
        {
            var query = QueryOf(parse);
            var hub = await openAsync(parse, ct);
            var rows = await hub.Reports.SummaryAsync(query, ct);
            if (rows.Count == 0)
            {
                await output.WriteLineAsync("No provisioning events in this span.");
                return 0;
            }

            await output.WriteLineAsync($"{"APP",-28}  {"OPERATION",-13}  {"OUTCOME",-8}  {"COUNT",9}");
            foreach (var row in rows)
            {
                await output.WriteLineAsync($"{Cut(row.AppName, 28),-28}  {row.Operation,-13}  {row.Outcome,-8}  {row.Count,9}");
            }

            return 0;
        });

        var olderThan = new Option<string>("--older-than") { Description = "Purge events older than this (e.g. 90d).", DefaultValueFactory = _ => "90d" };
        var purge = new Command("purge", "Delete events older than the retention period now (the server also does it every hour).") { olderThan };
        purge.SetAction(async (parse, ct) =>
        {
            var age = ReportQuery.Duration(parse.GetValue(olderThan)!, "olderThan");
            var hub = await openAsync(parse, ct);
            var cutoff = DateTimeOffset.UtcNow - age;
            var purged = await hub.Retention((int)Math.Ceiling(age.TotalDays)).PurgeAsync(cutoff, ct);
            await output.WriteLineAsync($"Purged {purged} provisioning event(s) older than {cutoff:yyyy-MM-dd HH:mm:ss} UTC.");
            return 0;
        });

        return new Command("reports", "The Provisioning Report: every provisioning event, by user, app and time.") { search, timeline, summary, purge };
    }

    private static async Task WriteAllAsync(TextWriter output, string format, IAsyncEnumerable<ProvisioningEvent> events, CancellationToken cancellationToken)
    {
        if (format == "csv")
        {
            await ReportCsv.WriteAsync(output, events, cancellationToken);
            return;
        }

        var all = new List<ProvisioningEvent>();
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            all.Add(e);
        }

        await output.WriteLineAsync(JsonSerializer.Serialize(all, Json));
    }

    private static async Task WriteTableAsync(TextWriter output, ReportPage page, string none)
    {
        if (page.Events.Count == 0)
        {
            await output.WriteLineAsync(none);
            return;
        }

        await output.WriteLineAsync($"{"TIME (UTC)",-19}  {"APP",-20}  {"DIRECTION",-9}  {"OPERATION",-13}  {"OUTCOME",-8}  {"TYPE",-5}  {"USER",-32}  DETAIL");
        foreach (var e in page.Events)
        {
            var time = e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            await output.WriteLineAsync($"{time,-19}  {Cut(e.AppName, 20),-20}  {e.Direction,-9}  {e.Operation,-13}  {e.Outcome,-8}  {e.ResourceType,-5}  {Cut(e.Subject ?? e.ResourceId ?? "", 32),-32}  {Cut(Detail(e), 80)}");
        }

        if (page.NextCursor is not null)
        {
            await output.WriteLineAsync($"More events: add --cursor {page.NextCursor}");
        }
    }

    /// <summary>The error, else the members, else the names of the changed attributes.</summary>
    private static string Detail(ProvisioningEvent e)
    {
        if (e.ErrorDetail is not null)
        {
            return e.ErrorStatus is { } status ? $"{status} {e.ErrorScimType} {e.ErrorDetail}".Replace("  ", " ", StringComparison.Ordinal) : e.ErrorDetail;
        }

        if (e.Changes?.Parse() is not { ValueKind: JsonValueKind.Array } changes)
        {
            return "";
        }

        if (e.Operation is EventOperations.MemberAdd or EventOperations.MemberRemove && changes.GetArrayLength() > 0)
        {
            var sign = e.Operation == EventOperations.MemberAdd ? "+" : "-";
            var change = changes[0];
            var members = change.TryGetProperty(e.Operation == EventOperations.MemberAdd ? "new" : "old", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(m => Text(m, "display") ?? Text(m, "value")).ToList()
                : [];
            var count = change.TryGetProperty("count", out var total) && total.TryGetInt32(out var n) ? n : members.Count;
            return string.Join(" ", members.Select(m => sign + m)) + (count > members.Count ? $" (+{count - members.Count} more)" : "");
        }

        return string.Join(", ", changes.EnumerateArray().Select(c => Text(c, "attribute")));
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Cut(string text, int width)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= width ? line : string.Concat(line.AsSpan(0, width - 1), "…");
    }
}
