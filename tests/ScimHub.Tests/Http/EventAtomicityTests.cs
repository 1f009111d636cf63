using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ScimHub.Provisioning.Storage;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>A change whose provisioning event cannot be written is not made: the two commit together or not at all.</summary>
public sealed class EventAtomicityTests : IAsyncLifetime
{
    private TestStore store = null!;

    public async ValueTask InitializeAsync() => store = await TestStore.CreateAsync();

    public ValueTask DisposeAsync() => store.DisposeAsync();

    [Fact]
    public async Task When_the_event_cannot_be_written_the_user_is_not_created_and_the_request_fails()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var hub = new IsolatedHubFactory(store);
        var scim = await hub.NewAppAsync();
        var kept = await scim.CreateUserAsync(Bodies.Unique("before"));
        await using (var connection = await hub.Services.GetRequiredService<Database>().OpenAsync(ct))
        {
            // The identifier rows are written last, after the change and the event row: their failure must undo both.
            await connection.ExecuteAsync("DROP TABLE provisioning_event_identifiers");
        }

        var userName = Bodies.Unique("lost");
        var created = await scim.PostAsync("/Users", Bodies.User(userName));
        var patched = await scim.PatchAsync($"/Users/{kept}", Bodies.Patch("""{ "op": "Replace", "path": "title", "value": "Changed" }"""));

        created.AssertError(HttpStatusCode.InternalServerError, null);
        patched.AssertError(HttpStatusCode.InternalServerError, null);
        Assert.Equal(0, (await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"userName eq \"{userName}\"")}")).TotalResults);
        Assert.Null((await scim.GetAsync($"/Users/{kept}")).Body!["title"]);
    }
}
