using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Directories;

namespace ScimHub.Tests.Support;

/// <summary>A hub of one test's own, on that test's store, with extra settings (when the shared <see cref="HubFactory"/> won't do).</summary>
public sealed class IsolatedHubFactory(TestStore store, params (string Key, string Value)[] settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in store.Settings)
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (Time is { } time)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(time));
        }
    }

    /// <summary>The hub's clock, when a test moves time itself (a FakeTimeProvider).</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>An app in the hub's first directory, and a client holding its token.</summary>
    public async Task<ScimClient> NewAppAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = await Services.GetRequiredService<HubDirectories>().EnsureDefaultAsync(ct);
        var (app, token) = await Services.GetRequiredService<ProvisioningApps>().CreateAsync(directory.Id, "Entra", ct);
        return new ScimClient(CreateClient(), app.Id, directory.Id, token.Token);
    }
}
