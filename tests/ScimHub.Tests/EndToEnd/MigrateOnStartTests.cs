using ScimHub.Cli;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.EndToEnd;

/// <summary>Deployments that forbid schema changes at start-up: the server refuses an old schema until `scimhub db migrate` ran.</summary>
public sealed class MigrateOnStartTests : IAsyncLifetime
{
    private TestStore store = null!;

    public async ValueTask InitializeAsync() => store = await TestStore.CreateAsync();

    public ValueTask DisposeAsync() => store.DisposeAsync();

    [Fact]
    public async Task With_MigrateOnStart_off_the_server_starts_only_after_db_migrate()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string>(store.Settings) { ["Storage:MigrateOnStart"] = "false" };

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => HubProcess.StartAsync(settings, HubProcess.FreePort(), ct));
        Assert.Equal(0, await HubCommandLine.RunAsync(["db", "migrate", .. store.CliArguments], TextWriter.Null, TextWriter.Null));
        await using var started = await HubProcess.StartAsync(settings, HubProcess.FreePort(), ct);

        Assert.Contains("Run 'scimhub db migrate' first", refused.Message, StringComparison.Ordinal);
    }
}
