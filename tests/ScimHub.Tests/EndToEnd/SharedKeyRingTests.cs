using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScimHub.Provisioning.Storage;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.EndToEnd;

/// <summary>Data Protection keys live in the database: a secret protected on one node is readable on another.</summary>
public sealed class SharedKeyRingTests : IAsyncLifetime
{
    private TestStore store = null!;

    public async ValueTask InitializeAsync() => store = await TestStore.CreateAsync();

    public ValueTask DisposeAsync() => store.DisposeAsync();

    [Fact]
    public async Task A_secret_protected_on_one_node_is_unprotected_on_another()
    {
        await using var nodeA = new IsolatedHubFactory(store);
        await using var nodeB = new IsolatedHubFactory(store);
        _ = nodeA.CreateClient();
        _ = nodeB.CreateClient();

        var secret = nodeA.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("outbound-app-secrets").Protect("ldap-bind-password");
        var read = nodeB.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("outbound-app-secrets").Unprotect(secret);

        Assert.Equal("ldap-bind-password", read);
        Assert.IsType<DataProtectionKeyRepository>(nodeB.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
        await using var connection = await nodeA.Services.GetRequiredService<Database>().OpenAsync(TestContext.Current.CancellationToken);
        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM data_protection_keys") >= 1);
    }
}
