using System.Text.Json.Nodes;
using ScimHub.Cli;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Reports;
using ScimHub.Provisioning.Storage;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Cli;

/// <summary>`scimhub reports …` and `scimhub admin keys …` on a store of their own.</summary>
public sealed class ReportsCommandTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private TestStore store = null!;

    public async ValueTask InitializeAsync()
    {
        store = await TestStore.CreateAsync();
        Assert.Equal(0, (await RunAsync("db", "migrate")).Code);
        using var database = new Database(store.Options);
        var recorder = new EventRecorder(database, new ReportOptions(), TimeProvider.System);
        var entra = new AppIdentity("app-entra", "dir", "Microsoft Entra ID");
        var okta = new AppIdentity("app-okta", "dir", "Okta, Inc.");
        await RecordAsync(database, recorder, entra, EventDraft.ForUser(EventOperations.Create, "u1", new JsonObject { ["userName"] = "alice@contoso.com" }), Now.AddMinutes(-50));
        await RecordAsync(database, recorder, entra, EventDraft.ForUser(EventOperations.Deactivate, "u1", new JsonObject { ["userName"] = "alice@contoso.com" }), Now.AddMinutes(-40));
        await RecordAsync(database, recorder, okta, EventDraft.ForUser(EventOperations.Update, "u1", new JsonObject { ["userName"] = "alice@contoso.com" })
            .Failed(400, "invalidPath", "Attribute 'x' is not, \"known\"."), Now.AddMinutes(-30));
        await RecordAsync(database, recorder, okta, EventDraft.ForUser(EventOperations.Create, "u2", new JsonObject { ["userName"] = "bob@contoso.com" }), Now.AddDays(-3));
        await RecordAsync(database, recorder, entra, EventDraft.ForUser(EventOperations.Delete, "u1", new JsonObject { ["userName"] = "alice@contoso.com" }), Now.AddDays(-200));
    }

    public ValueTask DisposeAsync() => store.DisposeAsync();

    private static async Task RecordAsync(Database database, EventRecorder recorder, AppIdentity app, EventDraft draft, DateTimeOffset at)
    {
        await using var write = await database.BeginAsync(TestContext.Current.CancellationToken);
        await recorder.RecordAsync(write, new EventContext(app, Guid.NewGuid().ToString("N")), draft, at);
        await write.CommitAsync(TestContext.Current.CancellationToken);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HubCommandLine.RunAsync([.. args, .. store.CliArguments], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Search_prints_a_readable_table_newest_first()
    {
        var (code, output, error) = await RunAsync("reports", "search", "--user", "ALICE@contoso.com", "--app", "microsoft entra id", "--since", "24h");

        Assert.True(code == 0, error);
        var lines = output.TrimEnd().Split('\n');
        Assert.StartsWith("TIME (UTC)", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
        Assert.Contains("deactivate", lines[1], StringComparison.Ordinal);
        Assert.Contains("create", lines[2], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.Contains("alice@contoso.com", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_pages_with_a_cursor_the_table_prints()
    {
        var (_, first, _) = await RunAsync("reports", "search", "--since", "7d", "--limit", "2");
        var cursor = first.Split('\n').Single(l => l.StartsWith("More events: add --cursor ", StringComparison.Ordinal))["More events: add --cursor ".Length..].Trim();

        var (code, second, _) = await RunAsync("reports", "search", "--since", "7d", "--limit", "2", "--cursor", cursor);

        Assert.Equal(0, code);
        Assert.Contains("bob@contoso.com", second, StringComparison.Ordinal);
        Assert.DoesNotContain("More events", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_exports_every_match_as_csv_or_json()
    {
        var (code, csv, _) = await RunAsync("reports", "search", "--since", "7d", "--format", "csv");
        var (_, json, _) = await RunAsync("reports", "search", "--outcome", "failure", "--format", "json");

        Assert.Equal(0, code);
        var rows = Csv.Parse(csv);
        Assert.Equal(5, rows.Count);
        Assert.Contains(rows, r => r.Contains("Okta, Inc.") && r.Contains("Attribute 'x' is not, \"known\"."));
        var failure = Assert.Single(JsonNode.Parse(json)!.AsArray())!;
        Assert.Equal(400, failure["errorStatus"]!.GetValue<int>());
    }

    [Fact]
    public async Task Json_output_keeps_an_events_change_list_as_indented_json()
    {
        using (var database = new Database(store.Options))
        {
            var user = new JsonObject { ["userName"] = "carol@contoso.com", ["title"] = "Directrice \"R&D\"\nZürich" };
            var draft = EventDraft.ForUser(EventOperations.Create, "u3", user) with { Changes = AttributeChanges.Between(null, user) };
            await RecordAsync(database, new EventRecorder(database, new ReportOptions(), TimeProvider.System),
                new AppIdentity("app-entra", "dir", "Microsoft Entra ID"), draft, Now.AddMinutes(-5));
        }

        var (code, json, error) = await RunAsync("reports", "search", "--user", "carol@contoso.com", "--format", "json");
        var (_, table, _) = await RunAsync("reports", "search", "--user", "carol@contoso.com");

        Assert.True(code == 0, error);
        var changes = Assert.Single(JsonNode.Parse(json)!.AsArray())!["changes"]!.AsArray();
        Assert.Equal("Directrice \"R&D\"\nZürich", changes.Single(c => c!["attribute"]!.GetValue<string>() == "title")!["new"]!.GetValue<string>());
        Assert.Contains("\"changes\": [\n      {\n        \"attribute\": \"userName\",", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("userName, title", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeline_lists_one_users_events_across_apps_oldest_first()
    {
        var (code, output, _) = await RunAsync("reports", "timeline", "--user", "alice@contoso.com");

        Assert.Equal(0, code);
        var lines = output.TrimEnd().Split('\n').Skip(1).ToList();
        Assert.Equal(["delete", "create", "deactivate", "update"], lines.Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries)[3].Trim()));
    }

    [Fact]
    public async Task Summary_counts_per_app_operation_and_outcome()
    {
        var (code, output, _) = await RunAsync("reports", "summary", "--since", "7d");

        Assert.Equal(0, code);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("Okta, Inc.", StringComparison.Ordinal) && l.Contains("failure", StringComparison.Ordinal) && l.TrimEnd().EndsWith(" 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Purge_deletes_events_older_than_asked()
    {
        var (code, output, _) = await RunAsync("reports", "purge", "--older-than", "90d");

        Assert.Equal(0, code);
        Assert.StartsWith("Purged 1 provisioning event(s)", output, StringComparison.Ordinal);
        Assert.Contains("No provisioning events", (await RunAsync("reports", "search", "--operation", "delete")).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--since", "yesterday", "--since")]
    [InlineData("--outcome", "maybe", "--outcome")]
    [InlineData("--from", "someday", "--from")]
    [InlineData("--correlation-id", "", null)]
    public async Task Unusable_options_are_named_in_a_one_line_error(string option, string value, string? named)
    {
        var (code, _, error) = await RunAsync("reports", "search", option, value);

        if (named is null)
        {
            Assert.Equal(0, code);
            return;
        }

        Assert.Equal(2, code);
        Assert.StartsWith($"scimhub: {named}:", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Admin_keys_are_created_once_listed_without_the_key_and_revoked()
    {
        var (code, created, _) = await RunAsync("admin", "keys", "create", "--name", "ops dashboard");
        Assert.Equal(0, code);
        var key = created.Split('\n').Single(l => l.StartsWith("Admin key:", StringComparison.Ordinal))["Admin key:".Length..].Trim();
        Assert.StartsWith("scimhub_admin_", key, StringComparison.Ordinal);

        var (_, list, _) = await RunAsync("admin", "keys", "list");
        Assert.Contains("ops dashboard", list, StringComparison.Ordinal);
        Assert.Contains("active", list, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);
        var id = list.Split('\n')[1].Split(' ')[0];

        Assert.Equal(0, (await RunAsync("admin", "keys", "revoke", "--id", id)).Code);
        Assert.Contains("revoked", (await RunAsync("admin", "keys", "list")).Output, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("admin", "keys", "revoke", "--id", id)).Code);
    }
}
