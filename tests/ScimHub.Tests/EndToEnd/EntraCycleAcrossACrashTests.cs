using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ScimHub.Cli;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.EndToEnd;

/// <summary>
/// The whole flow as an admin and Entra ID drive it: the CLI creates the app, a real hub process serves it, Entra's
/// cycle runs over HTTP, the process is killed with SIGKILL, and every acknowledged write is there after a restart.
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
        using var output = new StringWriter();
        Assert.Equal(0, await HubCommandLine.RunAsync(
            ["apps", "create", "--name", "Microsoft Entra ID", .. store.CliArguments, "--base-url", $"http://127.0.0.1:{port}"], output, TextWriter.Null));
        var baseUrl = Line(output.ToString(), "SCIM Base URL:");
        var token = Line(output.ToString(), "Bearer token:");

        var acknowledged = new List<string>();
        string groupId;
        string disabledId;
        await using (var hub = await HubProcess.StartAsync(store.Settings, port, ct))
        {
            using var http = Client(token);
            var probe = await SendAsync(http, HttpMethod.Get, $"{baseUrl}/Users?filter=userName+eq+%22{Guid.NewGuid()}%22", null);
            Assert.Equal(HttpStatusCode.OK, probe.Status);

            // Entra creates users in parallel; every 201 is an acknowledgement.
            var creates = Enumerable.Range(0, 40).Select(i => SendAsync(http, HttpMethod.Post, $"{baseUrl}/Users", Bodies.User(Bodies.Unique($"crash{i}"))));
            foreach (var created in await Task.WhenAll(creates))
            {
                Assert.Equal(HttpStatusCode.Created, created.Status);
                acknowledged.Add(created.Body!["id"]!.GetValue<string>());
            }

            var group = await SendAsync(http, HttpMethod.Post, $"{baseUrl}/Groups", Bodies.Group(Bodies.Unique("Crash Group")));
            groupId = group.Body!["id"]!.GetValue<string>();
            var members = string.Join(",", acknowledged.Select(Bodies.Member));
            var added = await SendAsync(http, HttpMethod.Patch, $"{baseUrl}/Groups/{groupId}", Bodies.Patch($$"""{ "op": "Add", "path": "members", "value": [{{members}}] }"""));
            Assert.Equal(HttpStatusCode.NoContent, added.Status);
            disabledId = acknowledged[7];
            var disabled = await SendAsync(http, HttpMethod.Patch, $"{baseUrl}/Users/{disabledId}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }"""));
            Assert.Equal(HttpStatusCode.OK, disabled.Status);

            await hub.KillAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using (await HubProcess.StartAsync(store.Settings, port, ct))
        {
            using var http = Client(token);
            var users = await SendAsync(http, HttpMethod.Get, $"{baseUrl}/Users?count=1000&attributes=active", null);
            var group = await SendAsync(http, HttpMethod.Get, $"{baseUrl}/Groups/{groupId}", null);
            var disabled = await SendAsync(http, HttpMethod.Get, $"{baseUrl}/Users/{disabledId}", null);

            Assert.Equal(acknowledged.Order(), users.Body!["Resources"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()).Order());
            Assert.Equal(acknowledged.Count, group.Body!["members"]!.AsArray().Count);
            Assert.False(disabled.Body!["active"]!.GetValue<bool>());
        }
    }

    private static HttpClient Client(string token)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string url, string? json)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/scim+json");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static string Line(string output, string label) =>
        output.Split('\n').Single(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Trim();
}
