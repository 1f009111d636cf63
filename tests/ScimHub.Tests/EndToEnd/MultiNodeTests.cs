using System.Net;
using System.Text.Json.Nodes;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.EndToEnd;

/// <summary>
/// Two real hub processes on one PostgreSQL database, no sticky sessions: whatever one node wrote, the other reads and
/// changes; concurrent writes through both lose nothing and duplicate nothing.
/// </summary>
[Trait("Storage", "PostgresOnly")]
public sealed class MultiNodeTests : IAsyncLifetime
{
    private TestStore store = null!;
    private HubProcess nodeA = null!;
    private HubProcess nodeB = null!;
    private CliApp app = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.SkipUnless(TestStore.IsPostgres, "Multi-node tests need PostgreSQL (scripts/test starts one).");
        var ct = TestContext.Current.CancellationToken;
        store = await TestStore.CreateAsync();
        app = await CliApp.CreateAsync(store.CliArguments, "http://hub");
        var starting = new[] { HubProcess.StartAsync(store.Settings, HubProcess.FreePort(), ct), HubProcess.StartAsync(store.Settings, HubProcess.FreePort(), ct) };
        var nodes = await Task.WhenAll(starting);
        (nodeA, nodeB) = (nodes[0], nodes[1]);
    }

    public async ValueTask DisposeAsync()
    {
        if (nodeA is not null)
        {
            await nodeA.DisposeAsync();
        }

        if (nodeB is not null)
        {
            await nodeB.DisposeAsync();
        }

        if (store is not null)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_user_created_through_one_node_is_read_patched_and_deleted_through_the_other()
    {
        using var a = Client(nodeA);
        using var b = Client(nodeB);

        var created = await SendAsync(a, HttpMethod.Post, "/Users", Bodies.User(Bodies.Unique("roaming")));
        var id = created.Body!["id"]!.GetValue<string>();
        var read = await SendAsync(b, HttpMethod.Get, $"/Users/{id}", null);
        var patched = await SendAsync(b, HttpMethod.Patch, $"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }"""));
        var readBack = await SendAsync(a, HttpMethod.Get, $"/Users/{id}", null);
        var deleted = await SendAsync(b, HttpMethod.Delete, $"/Users/{id}", null);
        var gone = await SendAsync(a, HttpMethod.Get, $"/Users/{id}", null);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK), (created.Status, read.Status, patched.Status));
        Assert.False(readBack.Body!["active"]!.GetValue<bool>());
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (deleted.Status, gone.Status));
    }

    [Fact]
    public async Task Concurrent_membership_patches_through_both_nodes_lose_no_member_and_duplicate_none()
    {
        using var a = Client(nodeA);
        using var b = Client(nodeB);
        var users = new List<string>();
        foreach (var batch in Enumerable.Range(0, 120).Chunk(20))
        {
            var created = await Task.WhenAll(batch.Select(i => SendAsync(i % 2 == 0 ? a : b, HttpMethod.Post, "/Users", Bodies.User(Bodies.Unique($"member{i}")))));
            users.AddRange(created.Select(c => c.Body!["id"]!.GetValue<string>()));
        }

        var group = (await SendAsync(a, HttpMethod.Post, "/Groups", Bodies.Group(Bodies.Unique("Contended")))).Body!["id"]!.GetValue<string>();

        // Each node adds its own members in batches of ten, and re-adds the other node's as Entra does after a removal.
        var patches = users.Chunk(10).SelectMany((batch, i) => new[]
        {
            SendAsync(i % 2 == 0 ? a : b, HttpMethod.Patch, $"/Groups/{group}", AddMembers(batch)),
            SendAsync(i % 2 == 0 ? b : a, HttpMethod.Patch, $"/Groups/{group}", AddMembers(batch)),
        });
        var results = await Task.WhenAll(patches);
        var read = await SendAsync(b, HttpMethod.Get, $"/Groups/{group}", null);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.NoContent, r.Status));
        var members = read.Body!["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()).ToList();
        Assert.Equal(users.Order(), members.Order());
    }

    [Fact]
    public async Task The_same_userName_posted_to_both_nodes_at_once_is_created_exactly_once()
    {
        using var a = Client(nodeA);
        using var b = Client(nodeB);

        for (var round = 0; round < 15; round++)
        {
            var userName = Bodies.Unique("race");
            var results = await Task.WhenAll(
                SendAsync(a, HttpMethod.Post, "/Users", Bodies.User(userName)),
                SendAsync(b, HttpMethod.Post, "/Users", Bodies.User(userName.ToUpperInvariant())));

            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], results.Select(r => r.Status).Order());
            Assert.Equal("uniqueness", results.Single(r => r.Status == HttpStatusCode.Conflict).Body!["scimType"]!.GetValue<string>());
        }
    }

    [Fact]
    public Task A_member_added_on_one_node_while_deleted_on_the_other_never_stays_in_the_group() =>
        RaceMemberAddAgainstDeleteAsync(alreadyMember: false);

    [Fact]
    public Task Re_adding_a_member_on_one_node_while_it_is_deleted_on_the_other_neither_deadlocks_nor_leaves_it() =>
        RaceMemberAddAgainstDeleteAsync(alreadyMember: true);

    /// <summary>
    /// Twenty rounds of: node A adds a user to a group (Entra also re-sends adds for members the group already has)
    /// while node B deletes that user. The add may fail (the user is gone); the delete must not; no member is left.
    /// </summary>
    private async Task RaceMemberAddAgainstDeleteAsync(bool alreadyMember)
    {
        using var a = Client(nodeA);
        using var b = Client(nodeB);
        var group = (await SendAsync(a, HttpMethod.Post, "/Groups", Bodies.Group(Bodies.Unique("Racing")))).Body!["id"]!.GetValue<string>();

        for (var round = 0; round < 20; round++)
        {
            var user = (await SendAsync(b, HttpMethod.Post, "/Users", Bodies.User(Bodies.Unique("member")))).Body!["id"]!.GetValue<string>();
            if (alreadyMember)
            {
                Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(a, HttpMethod.Patch, $"/Groups/{group}", AddMembers([user]))).Status);
            }

            var results = await Task.WhenAll(
                SendAsync(a, HttpMethod.Patch, $"/Groups/{group}", AddMembers([user])),
                SendAsync(b, HttpMethod.Delete, $"/Users/{user}", null));

            Assert.Contains(results[0].Status, new[] { HttpStatusCode.NoContent, HttpStatusCode.BadRequest });
            Assert.Equal(HttpStatusCode.NoContent, results[1].Status);
        }

        var read = await SendAsync(b, HttpMethod.Get, $"/Groups/{group}", null);
        Assert.Empty(read.Body!["members"]!.AsArray());
    }

    [Fact]
    public async Task A_node_killed_mid_work_loses_no_acknowledged_write()
    {
        using var a = Client(nodeA);
        using var b = Client(nodeB);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var fortyAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();

        async Task WriterAsync(int writer)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var created = await SendAsync(a, HttpMethod.Post, "/Users", Bodies.User(Bodies.Unique($"w{writer}-{i}")));
                    if (created.Status == HttpStatusCode.Created)
                    {
                        acknowledged.Add(created.Body!["id"]!.GetValue<string>());
                        if (acknowledged.Count >= 40)
                        {
                            fortyAcknowledged.TrySetResult();
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    return; // The node is gone: what it did not acknowledge may or may not exist.
                }
            }
        }

        var writers = Enumerable.Range(0, 4).Select(WriterAsync).ToArray();
        await fortyAcknowledged.Task.WaitAsync(TestContext.Current.CancellationToken);

        await nodeA.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var listed = await SendAsync(b, HttpMethod.Get, "/Users?count=1000&attributes=id", null);
        var present = listed.Body!["Resources"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()).ToHashSet();
        var lost = acknowledged.Where(id => !present.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged creates are missing.");
    }

    private static string AddMembers(IEnumerable<string> ids) =>
        Bodies.Patch($$"""{ "op": "Add", "path": "members", "value": [{{string.Join(",", ids.Select(Bodies.Member))}}] }""");

    [Fact]
    public async Task Events_written_through_either_node_are_in_one_report_read_through_either()
    {
        using var a = Client(nodeA);
        using var b = Client(nodeB);
        var userName = Bodies.Unique("reported");
        var id = (await SendAsync(a, HttpMethod.Post, "/Users", Bodies.User(userName))).Body!["id"]!.GetValue<string>();
        await SendAsync(b, HttpMethod.Patch, $"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }"""));
        await SendAsync(a, HttpMethod.Delete, $"/Users/{id}", null);
        using var output = new StringWriter();
        Assert.Equal(0, await ScimHub.Cli.HubCommandLine.RunAsync(["admin", "keys", "create", "--name", "nodes", .. store.CliArguments], output, TextWriter.Null));
        var key = CliApp.Line(output.ToString(), "Admin key:");

        foreach (var node in new[] { nodeA, nodeB })
        {
            using var admin = new HttpClient { BaseAddress = node.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            var timeline = JsonNode.Parse(await admin.GetStringAsync($"/api/reports/provisioning/timeline?user={userName}", TestContext.Current.CancellationToken))!;
            Assert.Equal(["create", "deactivate", "delete"], timeline["events"]!.AsArray().Select(e => e!["operation"]!.GetValue<string>()));
        }
    }

    private HttpClient Client(HubProcess node) => app.Client(node.BaseAddress);

    private Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? json) =>
        app.SendAsync(http, method, path, json);
}
