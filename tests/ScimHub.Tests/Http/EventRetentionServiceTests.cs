using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Reports;
using ScimHub.Provisioning.Storage;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>The hub purges events past Reports:RetentionDays by itself, once at start and then every interval.</summary>
public sealed class EventRetentionServiceTests : IAsyncLifetime
{
    private TestStore store = null!;

    public async ValueTask InitializeAsync() => store = await TestStore.CreateAsync();

    public ValueTask DisposeAsync() => store.DisposeAsync();

    [Fact]
    public async Task A_starting_hub_purges_events_older_than_the_retention_period_and_keeps_the_rest()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        using (var database = new Database(store.Options))
        {
            await new Migrator(database, TimeProvider.System).MigrateAsync(ct);
            var recorder = new EventRecorder(database, new ReportOptions(), TimeProvider.System);
            var app = new AppIdentity("app", "dir", "Entra");
            foreach (var (userName, at) in new[] { ("old", now.AddDays(-31)), ("recent", now.AddDays(-29)) })
            {
                await using var write = await database.BeginAsync(ct);
                await recorder.RecordAsync(write, new EventContext(app, userName), EventDraft.ForUser(EventOperations.Create, userName, new JsonObject { ["userName"] = userName }), at);
                await write.CommitAsync(ct);
            }
        }

        await using var hub = new IsolatedHubFactory(store, ("Reports:RetentionDays", "30"));
        var database2 = hub.Services.GetRequiredService<Database>();
        var service = hub.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ScimHub.Server.Reports.EventRetentionService>().Single();
        await service.FirstPurge.WaitAsync(TimeSpan.FromSeconds(30), ct);
        List<string> left;
        await using (var connection = await database2.OpenAsync(ct))
        {
            left = (await connection.QueryAsync<string>("SELECT subject FROM provisioning_events ORDER BY id")).ToList();
        }

        Assert.Equal(["recent"], left);
        await using var check = await database2.OpenAsync(ct);
        Assert.Equal(["recent"], await check.QueryAsync<string>("SELECT identifier_key FROM provisioning_event_identifiers"));
    }
}
