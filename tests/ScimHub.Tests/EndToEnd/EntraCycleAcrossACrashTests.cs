using System.Net;
using System.Text.Json.Nodes;
using ScimHub.Cli;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.EndToEnd;

/// <summary>
/// The whole flow as an admin and Entra ID drive it: the CLI creates the app, a real hub process serves it, Entra's
/// cycle runs over HTTP, the process is killed with SIGKILL, and every acknowledged write is there after a restart,
/// with its provisioning event (read back with `scimhub reports search`).
/// </summary>
public sealed class EntraCycleAcrossACrashTests : IAsyncLifetime
{
    private TestStore store = null!;

    public async ValueTask InitializeAsync() => store = await TestStore.CreateAsync();

    public ValueTask DisposeAsync() => store.DisposeAsync();

    [Fact]
    public async Task Acknowledged_writes_survive_a_kill_9_of_the_hub()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = HubProcess.FreePort();
        var app = await CliApp.CreateAsync(store.CliArguments, $"http://127.0.0.1:{port}");

        var acknowledged = new List<string>();
        string groupId;
        string disabledId;
        await using (var hub = await HubProcess.StartAsync(store.Settings, port, ct))
        {
            using var http = app.Client(hub.BaseAddress);
            var probe = await app.SendAsync(http, HttpMethod.Get, $"/Users?filter=userName+eq+%22{Guid.NewGuid()}%22");
            Assert.Equal(HttpStatusCode.OK, probe.Status);

            // Entra creates users in parallel; every 201 is an acknowledgement.
            var creates = Enumerable.Range(0, 40).Select(i => app.SendAsync(http, HttpMethod.Post, $"/Users", Bodies.User(Bodies.Unique($"crash{i}"))));
            foreach (var created in await Task.WhenAll(creates))
            {
                Assert.Equal(HttpStatusCode.Created, created.Status);
                acknowledged.Add(created.Body!["id"]!.GetValue<string>());
            }

            var group = await app.SendAsync(http, HttpMethod.Post, $"/Groups", Bodies.Group(Bodies.Unique("Crash Group")));
            groupId = group.Body!["id"]!.GetValue<string>();
            var members = string.Join(",", acknowledged.Select(Bodies.Member));
            var added = await app.SendAsync(http, HttpMethod.Patch, $"/Groups/{groupId}", Bodies.Patch($$"""{ "op": "Add", "path": "members", "value": [{{members}}] }"""));
            Assert.Equal(HttpStatusCode.NoContent, added.Status);
            disabledId = acknowledged[7];
            var disabled = await app.SendAsync(http, HttpMethod.Patch, $"/Users/{disabledId}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }"""));
            Assert.Equal(HttpStatusCode.OK, disabled.Status);

            await hub.KillAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using (var restarted = await HubProcess.StartAsync(store.Settings, port, ct))
        {
            using var http = app.Client(restarted.BaseAddress);
            var users = await app.SendAsync(http, HttpMethod.Get, $"/Users?count=1000&attributes=active");
            var group = await app.SendAsync(http, HttpMethod.Get, $"/Groups/{groupId}");
            var disabled = await app.SendAsync(http, HttpMethod.Get, $"/Users/{disabledId}");

            Assert.Equal(acknowledged.Order(), users.Body!["Resources"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()).Order());
            Assert.Equal(acknowledged.Count, group.Body!["members"]!.AsArray().Count);
            Assert.False(disabled.Body!["active"]!.GetValue<bool>());
        }

        // Each acknowledged change has its provisioning event, and no event is there without its change.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HubCommandLine.RunAsync(["reports", "search", "--app", "Microsoft Entra ID", "--format", "json", .. store.CliArguments], output, error);
        Assert.True(code == 0, error.ToString());
        var events = JsonNode.Parse(output.ToString())!.AsArray().Select(e => e!).ToList();
        Assert.Equal(acknowledged.Order(), events.Where(e => (string?)e["operation"] == "create" && (string?)e["resourceType"] == "User").Select(e => (string)e["resourceId"]!).Order());
        var memberAdd = Assert.Single(events, e => (string?)e["operation"] == "member-add");
        Assert.Equal(acknowledged.Order(), memberAdd["changes"]![0]!["new"]!.AsArray().Select(m => (string)m!["value"]!).Order());
        Assert.Equal(disabledId, (string?)Assert.Single(events, e => (string?)e["operation"] == "deactivate")["resourceId"]);
        Assert.Equal(acknowledged.Count + 3, events.Count);
    }
}
