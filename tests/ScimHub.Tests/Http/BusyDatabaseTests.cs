using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Directories;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>A database held by another writer gives a 503 with Retry-After, not a hang or a 500, and the hub recovers.</summary>
[Trait("Storage", "SqliteOnly")]
public sealed class BusyDatabaseTests : IAsyncDisposable
{
    private readonly string dataFolder = Directory.CreateTempSubdirectory("scimhub-busy-").FullName;
    private readonly ShortTimeoutFactory factory;

    public BusyDatabaseTests() => factory = new ShortTimeoutFactory(dataFolder);

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(dataFolder, recursive: true);
    }

    [Fact]
    public async Task A_write_blocked_by_another_writer_is_503_with_Retry_After_and_the_next_one_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = await factory.Services.GetRequiredService<HubDirectories>().EnsureDefaultAsync(ct);
        var (app, token) = await factory.Services.GetRequiredService<ProvisioningApps>().CreateAsync(directory.Id, "Entra", ct);
        var scim = new ScimClient(factory.CreateClient(), app.Id, directory.Id, token.Token);

        ScimResponse blocked;
        await using (var other = new SqliteConnection($"Data Source={Path.Combine(dataFolder, "scimhub.db")};Pooling=False"))
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

    private sealed class ShortTimeoutFactory(string dataFolder) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:DataFolder", dataFolder);
            builder.UseSetting("Storage:BusyTimeoutSeconds", "1");
        }
    }
}
