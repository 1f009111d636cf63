using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using ScimHub.Provisioning.Admin;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Reports;
using ScimHub.Provisioning.Storage;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>The Provisioning Report over the admin API: search, filters, paging, timeline, summary, export, auth, bad input.</summary>
public sealed class ProvisioningReportTests(HubFactory hub)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    private static List<string> Ops(JsonArray events) => events.Select(e => e!["operation"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Search_by_user_matches_any_identifier_by_prefix_or_exactly_whatever_the_case()
    {
        var scim = await hub.NewAppAsync(Bodies.Unique("Entra"));
        var admin = await AdminClient.CreateAsync(hub);
        var userName = Bodies.Unique("Alice.Smith");
        var externalId = Bodies.Unique("ext");
        var id = await scim.CreateUserAsync(userName, $"\"title\": \"x\"");
        await scim.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "Replace", "path": "externalId", "value": "{{externalId}}" }"""));

        Assert.Equal(2, (await admin.EventsAsync("user=" + Uri.EscapeDataString(userName.ToUpperInvariant()))).Count);
        Assert.Equal(2, (await admin.EventsAsync("user=" + Uri.EscapeDataString(userName[..20].ToLowerInvariant()))).Count);
        Assert.Empty(await admin.EventsAsync("exact=true&user=" + Uri.EscapeDataString(userName[..20])));
        Assert.Equal(2, (await admin.EventsAsync("exact=true&user=" + Uri.EscapeDataString($"{userName}@CONTOSO.com"))).Count);
        Assert.Equal(2, (await admin.EventsAsync("exact=true&user=" + id)).Count);
        // The externalId was set by the update; it identifies the user, so the search shows all of the user's events.
        Assert.Equal(["update", "create"], Ops(await admin.EventsAsync("exact=true&user=" + externalId)));
    }

    [Fact]
    public async Task Filters_by_app_outcome_operation_and_direction_combine()
    {
        var appName = Bodies.Unique("Okta");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var id = await scim.CreateUserAsync(Bodies.Unique("f"));
        await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "replace", "path": "active", "value": false }"""));
        await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "replace", "path": "nope", "value": false }"""));
        var app = "app=" + Uri.EscapeDataString(appName.ToUpperInvariant());

        Assert.Equal(3, (await admin.EventsAsync(app)).Count);
        Assert.Equal(["update"], Ops(await admin.EventsAsync($"{app}&outcome=failure")));
        Assert.Equal(["deactivate", "create"], Ops(await admin.EventsAsync($"{app}&outcome=SUCCESS")));
        Assert.Equal(["deactivate"], Ops(await admin.EventsAsync($"{app}&operation=deactivate")));
        Assert.Equal(3, (await admin.EventsAsync($"{app}&direction=inbound")).Count);
        Assert.Empty(await admin.EventsAsync($"{app}&direction=outbound"));
        Assert.Empty(await admin.EventsAsync("app=" + Uri.EscapeDataString(appName[..^1])));
    }

    [Fact]
    public async Task Time_span_is_stored_in_utc_and_accepts_offsets_and_presets()
    {
        var app = await RecordAsync(new DateTimeOffset(2026, 1, 10, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 10, 11, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.Zero));
        var admin = await AdminClient.CreateAsync(hub);
        var appQuery = "app=" + Uri.EscapeDataString(app.AppName);

        // 11:30+01:00 is 10:30Z and 13:30+02:00 is 11:30Z: only the 11:00Z event is inside.
        var inside = await admin.EventsAsync($"{appQuery}&from={Uri.EscapeDataString("2026-01-10T11:30:00+01:00")}&to={Uri.EscapeDataString("2026-01-10T13:30:00+02:00")}");
        Assert.Equal("2026-01-10T11:00:00+00:00", Assert.Single(inside)!["occurredAt"]!.GetValue<string>());
        Assert.Equal(2, (await admin.EventsAsync($"{appQuery}&from=2026-01-10T11:00:00Z")).Count);
        Assert.Equal(3, (await admin.EventsAsync($"{appQuery}&to=2026-01-10T12:00:00")).Count);
        Assert.Empty(await admin.EventsAsync($"{appQuery}&since=30d"));

        var scim = await hub.NewAppAsync(Bodies.Unique("Recent"));
        await scim.CreateUserAsync(Bodies.Unique("recent"));
        foreach (var preset in ReportQuery.SincePresets)
        {
            Assert.Single(await admin.EventsAsync($"since={preset}&app={Uri.EscapeDataString((await hub.Service<ProvisioningApps>().FindAsync(scim.AppId, Cancel))!.Name)}"));
        }
    }

    [Fact]
    public async Task Paging_through_events_with_equal_times_sees_each_once_newest_first()
    {
        var at = new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.Zero);
        var app = await RecordAsync([.. Enumerable.Repeat(at, 7), at.AddSeconds(1), at.AddSeconds(-1)]);
        var admin = await AdminClient.CreateAsync(hub);

        var seen = new List<JsonNode>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await admin.GetAsync($"/api/reports/provisioning?limit=3&app={Uri.EscapeDataString(app.AppName)}{(cursor is null ? "" : "&cursor=" + cursor)}");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            seen.AddRange(page.Body!["events"]!.AsArray().Select(e => e!));
            cursor = page.Body["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(9, seen.Select(e => e["id"]!.GetValue<long>()).Distinct().Count());
        var order = seen.Select(e => (Time: e["occurredAt"]!.GetValue<DateTimeOffset>(), Id: e["id"]!.GetValue<long>())).ToList();
        Assert.Equal(order.OrderByDescending(o => o.Time).ThenByDescending(o => o.Id), order);
    }

    [Fact]
    public async Task Timeline_shows_one_user_across_apps_oldest_first_through_a_rename_and_group_changes()
    {
        var entra = await hub.NewAppAsync(Bodies.Unique("Entra"));
        var okta = await hub.NewAppInAsync(entra.DirectoryId, Bodies.Unique("Okta"));
        var admin = await AdminClient.CreateAsync(hub);
        var userName = Bodies.Unique("alice");
        var id = await entra.CreateUserAsync(userName);
        var group = await okta.CreateGroupAsync(Bodies.Unique("Sales"));
        await okta.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "add", "path": "members", "value": [{ "value": "{{id}}" }] }"""));
        await okta.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "replace", "path": "userName", "value": "{{userName}}-renamed" }"""));
        await entra.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }"""));
        await entra.DeleteAsync($"/Users/{id}");

        var timeline = await admin.GetAsync("/api/reports/provisioning/timeline?user=" + Uri.EscapeDataString(userName.ToUpperInvariant()));

        Assert.Equal(HttpStatusCode.OK, timeline.Status);
        var events = timeline.Body!["events"]!.AsArray();
        // Deleting the user also took it out of the group: that is a member-remove of the same request.
        Assert.Equal(["create", "member-add", "update", "deactivate", "delete", "member-remove"], Ops(events));
        Assert.Equal([entra.AppId, okta.AppId, okta.AppId, entra.AppId, entra.AppId, entra.AppId], events.Select(e => e!["appId"]!.GetValue<string>()));
        Assert.Equal(events[4]!["correlationId"]!.GetValue<string>(), events[5]!["correlationId"]!.GetValue<string>());
        var bad = await admin.GetAsync("/api/reports/provisioning/timeline");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.NotNull(bad.Body!["errors"]!["user"]);
    }

    [Fact]
    public async Task Summary_counts_events_per_app_operation_and_outcome()
    {
        var appName = Bodies.Unique("Entra");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var a = await scim.CreateUserAsync(Bodies.Unique("s"));
        await scim.CreateUserAsync(Bodies.Unique("s"));
        await scim.PatchAsync($"/Users/{a}", Bodies.Patch("""{ "op": "replace", "path": "nope", "value": 1 }"""));

        var summary = await admin.GetAsync($"/api/reports/provisioning/summary?since=1h&app={Uri.EscapeDataString(appName)}");

        Assert.Equal(HttpStatusCode.OK, summary.Status);
        var rows = summary.Body!["rows"]!.AsArray().Select(r => (r!["operation"]!.GetValue<string>(), r["outcome"]!.GetValue<string>(), r["count"]!.GetValue<long>())).ToList();
        Assert.Equal([("create", "success", 2L), ("update", "failure", 1L)], rows);
        Assert.All(summary.Body["rows"]!.AsArray(), r => Assert.Equal(scim.AppId, r!["appId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Csv_export_escapes_commas_quotes_and_line_breaks_and_keeps_formulas_as_text()
    {
        var appName = Bodies.Unique("Entra, \"EMEA\"");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var awkward = "Sales, \"EMEA\"\nline two " + Guid.NewGuid().ToString("N");
        await scim.PostAsync("/Groups", Bodies.Group(awkward.Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)));
        await scim.PostAsync("/Groups", Bodies.Group("=HYPERLINK(\\\"http://x\\\")" + Guid.NewGuid().ToString("N")));

        var export = await admin.GetAsync($"/api/reports/provisioning/export?format=csv&app={Uri.EscapeDataString(appName)}");

        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.Equal("text/csv", export.MediaType);
        Assert.StartsWith("attachment; filename=\"provisioning-report-", export.ContentDisposition, StringComparison.Ordinal);
        var rows = Csv.Parse(export.Text);
        Assert.Equal(ReportCsv.Header, rows[0]);
        Assert.Equal(3, rows.Count);
        var column = (string name) => ReportCsv.Header.ToList().IndexOf(name);
        Assert.All(rows.Skip(1), r => Assert.Equal(ReportCsv.Header.Count, r.Count));
        Assert.All(rows.Skip(1), r => Assert.Equal(appName, r[column("app")]));
        Assert.Equal(awkward, rows[2][column("user")]);
        Assert.StartsWith("'=HYPERLINK(\"http://x\")", rows[1][column("user")], StringComparison.Ordinal);
        var changes = JsonNode.Parse(rows[2][column("changes")])!.AsArray();
        Assert.Contains(changes, c => c!["attribute"]!.GetValue<string>() == "displayName" && c["new"]!.GetValue<string>() == awkward);

        var json = await admin.GetAsync($"/api/reports/provisioning/export?format=json&app={Uri.EscapeDataString(appName)}");
        Assert.Equal(awkward, json.Body!.AsArray()[1]!["subject"]!.GetValue<string>());
    }

    [Fact]
    public async Task Change_lists_come_back_as_json_with_quotes_line_breaks_and_non_ascii_text_intact()
    {
        var appName = Bodies.Unique("Entra");
        var scim = await hub.NewAppAsync(appName);
        var admin = await AdminClient.CreateAsync(hub);
        var title = "Directrice \"R&D\" <Zürich>\nÉquipe 東京 😀";
        var created = await scim.PostAsync("/Users", Bodies.User(Bodies.Unique("zoe"), $"\"title\": {JsonSerializer.Serialize(title)}"));
        Assert.Equal(HttpStatusCode.Created, created.Status);

        var search = await admin.EventsOfAppAsync(appName);
        var export = await admin.GetAsync($"/api/reports/provisioning/export?format=json&app={Uri.EscapeDataString(appName)}");

        foreach (var e in new[] { Assert.Single(search), Assert.Single(export.Body!.AsArray())! })
        {
            var change = Assert.Single(e["changes"]!.AsArray(), c => c!["attribute"]!.GetValue<string>() == "title")!;
            Assert.Equal(title, change["new"]!.GetValue<string>());
            Assert.Null(change["old"]);
        }
    }

    [Fact]
    public async Task The_admin_api_needs_an_active_admin_key_not_an_app_token()
    {
        var scim = await hub.NewAppAsync();
        var admin = await AdminClient.CreateAsync(hub);
        var keys = hub.Service<AdminKeys>();
        var (revokedKey, revokedSecret) = await keys.CreateAsync("revoked", Cancel);
        await keys.RevokeAsync(revokedKey.Id, Cancel);

        foreach (var bearer in new[] { "", "scimhub_admin_wrong", scim.Token, revokedSecret })
        {
            var response = await admin.GetAsync("/api/reports/provisioning", bearer);
            Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
            Assert.Equal("application/problem+json", response.MediaType);
            Assert.Contains("scimhub admin keys create", response.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.StartsWith("Bearer", response.WwwAuthenticate, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/reports/provisioning")).Status);
    }

    [Theory]
    [InlineData("since=banana", "since")]
    [InlineData("since=0d", "since")]
    [InlineData("since=1h&from=2026-01-01T00:00:00Z", "since")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    [InlineData("outcome=maybe", "outcome")]
    [InlineData("operation=explode", "operation")]
    [InlineData("direction=sideways", "direction")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=%E2%82%AC%E2%82%AC", "cursor")]
    [InlineData("exact=yes", "exact")]
    public async Task Unusable_filters_get_a_problem_naming_the_field(string query, string field)
    {
        var admin = await AdminClient.CreateAsync(hub);

        foreach (var path in new[] { "/api/reports/provisioning", "/api/reports/provisioning/summary", "/api/reports/provisioning/export" })
        {
            var response = await admin.GetAsync($"{path}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            Assert.Equal("application/problem+json", response.MediaType);
            Assert.NotNull(response.Body!["errors"]![field]);
        }
    }

    [Fact]
    public async Task Export_format_must_be_csv_or_json()
    {
        var admin = await AdminClient.CreateAsync(hub);

        var response = await admin.GetAsync("/api/reports/provisioning/export?format=xml");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.NotNull(response.Body!["errors"]!["format"]);
    }

    [Fact]
    public async Task Retention_purges_old_events_and_their_identifiers_in_batches_and_keeps_the_rest()
    {
        var old = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var app = await RecordAsync([.. Enumerable.Range(0, 5).Select(i => old.AddMinutes(i)), old.AddYears(1)]);
        var database = hub.Service<Database>();
        var retention = new EventRetention(database, new ReportOptions { PurgeBatchSize = 2 }, TimeProvider.System);

        // Other tests' events are newer than 2025-06, so this purges exactly this test's five.
        var purged = await retention.PurgeAsync(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), Cancel);

        Assert.Equal(5, purged);
        await using var connection = await database.OpenAsync(Cancel);
        var left = await connection.QueryAsync<string>("SELECT occurred_at FROM provisioning_events WHERE app_id = @AppId", new { app.AppId });
        Assert.Equal([Timestamps.Format(old.AddYears(1))], left);
        var orphans = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM provisioning_event_identifiers i WHERE NOT EXISTS (SELECT 1 FROM provisioning_events e WHERE e.id = i.event_id)");
        Assert.Equal(0, orphans);
        Assert.Equal(0, await retention.PurgeAsync(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), Cancel));
    }

    /// <summary>Records one event per time for a new app (what the SCIM endpoints would, at times a test chooses).</summary>
    private async Task<AppIdentity> RecordAsync(params DateTimeOffset[] times)
    {
        var app = new AppIdentity(Guid.NewGuid().ToString("N"), "dir-" + Guid.NewGuid().ToString("N"), Bodies.Unique("Recorded"));
        var recorder = hub.Service<EventRecorder>();
        var database = hub.Service<Database>();
        foreach (var time in times)
        {
            await using var write = await database.BeginAsync(Cancel);
            var userName = Bodies.Unique("timed");
            await recorder.RecordAsync(write, new EventContext(app, Guid.NewGuid().ToString("N")),
                EventDraft.ForUser(EventOperations.Create, Guid.NewGuid().ToString(), new JsonObject { ["userName"] = userName }), time);
            await write.CommitAsync(Cancel);
        }

        return app;
    }
}
