using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Directories;

[assembly: AssemblyFixture(typeof(ScimHub.Tests.Support.HubFactory))]

namespace ScimHub.Tests.Support;

/// <summary>
/// One hub for the HTTP tests, on a store of its own (<see cref="TestStore"/>: SQLite, or PostgreSQL in the suite's
/// PostgreSQL run). Tests stay apart by creating their own directory and app (<see cref="NewAppAsync"/>): no test
/// sees another's users.
/// </summary>
public sealed class HubFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private TestStore? store;

    public async ValueTask InitializeAsync() => store = await TestStore.CreateAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in store!.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Urls", "http://127.0.0.1:0");
        // Tests record events at chosen past times and purge them explicitly; the hourly purge must not race them.
        builder.UseSetting("Reports:RetentionDays", "0");
        // Many tests fail authentication on purpose, all from the test server's one address.
        builder.UseSetting("Auth:FailedAttemptsPerMinute", "1000000");
    }

    /// <summary>A new directory with one app in it, and a client holding that app's token.</summary>
    public async Task<ScimClient> NewAppAsync(string name = "Microsoft Entra ID")
    {
        var directory = await Services.GetRequiredService<HubDirectories>().CreateAsync($"tests-{Guid.NewGuid():N}", TestContext.Current.CancellationToken);
        return await NewAppInAsync(directory.Id, name);
    }

    /// <summary>Another app in an existing directory.</summary>
    public async Task<ScimClient> NewAppInAsync(string directoryId, string name = "Okta")
    {
        var (app, token) = await Services.GetRequiredService<ProvisioningApps>().CreateAsync(directoryId, name, TestContext.Current.CancellationToken);
        return new ScimClient(CreateClient(), app.Id, directoryId, token.Token);
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (store is not null)
        {
            await store.DisposeAsync();
        }
    }
}
