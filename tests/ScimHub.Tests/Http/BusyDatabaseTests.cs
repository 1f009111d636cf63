using System.Net;
using Microsoft.Data.Sqlite;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>A database held by another writer gives a 503 with Retry-After, not a hang or a 500, and the hub recovers.</summary>
[Trait("Storage", "SqliteOnly")]
public sealed class BusyDatabaseTests : IAsyncLifetime
{
    private TestStore store = null!;
    private IsolatedHubFactory factory = null!;

    public async ValueTask InitializeAsync()
    {
        store = await TestStore.CreateAsync();
        factory = new IsolatedHubFactory(store, ("Storage:BusyTimeoutSeconds", "1"));
    }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        await store.DisposeAsync();
    }

    [Fact]
    public async Task A_write_blocked_by_another_writer_is_503_with_Retry_After_and_the_next_one_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        var scim = await factory.NewAppAsync();

        ScimResponse blocked;
        await using (var other = new SqliteConnection($"Data Source={Path.Combine(store.Options.DataFolder, "scimhub.db")};Pooling=False"))
        {
            await other.OpenAsync(ct);
            await using var hold = await other.BeginTransactionAsync(ct);
            blocked = await scim.PostAsync("/Users", Bodies.User(Bodies.Unique("blocked")));
        }

        var after = await scim.PostAsync("/Users", Bodies.User(Bodies.Unique("after")));

        blocked.AssertError(HttpStatusCode.ServiceUnavailable, null);
        Assert.Equal("5", blocked.Headers.RetryAfter!.ToString());
        Assert.Equal(HttpStatusCode.Created, after.Status);
        Assert.Equal(1, (await scim.GetAsync("/Users")).TotalResults);
    }
}
