using System.Data.Common;
using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ScimHub.Cli;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Storage;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>
/// The hub keeps the token checks it passed in memory and reads one number per request instead (the credentials
/// version, moved by triggers). What an admin changes elsewhere — with the CLI, another node, or SQL — must still
/// reach the next request of the running hub.
/// </summary>
public sealed class KnownTokenTests : IAsyncLifetime
{
    private TestStore store = null!;
    private IsolatedHubFactory hub = null!;
    private ScimClient scim = null!;
    /// <summary>The store as another process sees it: SQL of its own, outside the hub.</summary>
    private Database elsewhere = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        store = await TestStore.CreateAsync();
        hub = new IsolatedHubFactory(store);
        scim = await hub.NewAppAsync();
        elsewhere = new Database(store.Options);
    }

    public async ValueTask DisposeAsync()
    {
        elsewhere.Dispose();
        await hub.DisposeAsync();
        await store.DisposeAsync();
    }

    [Fact]
    public async Task A_token_revoked_with_the_cli_is_refused_by_the_running_hub_at_once()
    {
        var before = await scim.GetAsync("/Users");
        var again = await scim.GetAsync("/Users");

        var (code, _) = await CliAsync("apps", "tokens", "revoke", "--app", scim.AppId, "--all");
        var after = await scim.GetAsync("/Users");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, 0), (before.Status, again.Status, code));
        after.AssertError(HttpStatusCode.Unauthorized, null);
        Assert.Contains("revoked", after.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_users_switched_off_with_the_cli_is_refused_by_the_running_hub_at_once()
    {
        Assert.Equal(HttpStatusCode.Created, (await scim.PostAsync("/Users", Bodies.User("before@contoso.com"))).Status);

        var (code, _) = await CliAsync("apps", "features", "set", "--app", scim.AppId, "--create-users", "off");
        var after = await scim.PostAsync("/Users", Bodies.User("after@contoso.com"));

        Assert.Equal(0, code);
        Assert.Equal(HttpStatusCode.Forbidden, after.Status);
    }

    [Fact]
    public async Task A_profile_attribute_added_with_the_cli_is_accepted_by_the_running_hub_at_once()
    {
        var id = await scim.CreateUserAsync("alice@contoso.com");

        var (code, _) = await CliAsync("profile", "add", "--name", "costCenter2", "--type", "string");
        var patched = await scim.PatchAsync($"/Users/{id}", $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"add","path":"{{ScimHub.Core.ScimConstants.ProfileExtensionSchema}}:costCenter2","value":"CC-7"}]}
            """);

        Assert.Equal((0, HttpStatusCode.OK), (code, patched.Status));
        Assert.Equal("CC-7", patched.Body![ScimHub.Core.ScimConstants.ProfileExtensionSchema]!["costCenter2"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_app_deleted_on_another_node_refuses_its_token_at_once()
    {
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("/Users")).Status);

        Assert.True(await new ProvisioningApps(elsewhere, TimeProvider.System).DeleteAsync(scim.AppId, Ct));

        (await scim.GetAsync("/Users")).AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Fact]
    public async Task A_token_that_passed_for_its_app_is_refused_on_another_apps_url()
    {
        var other = await hub.NewAppAsync();
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("/Users")).Status);

        var wrongUrl = await other.GetAsync("/Users", bearer: scim.Token);

        wrongUrl.AssertError(HttpStatusCode.Unauthorized, null);
        Assert.Contains("issued for another app", wrongUrl.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kept_check_answers_while_the_credentials_version_stands_and_is_read_again_when_it_moves()
    {
        var apps = hub.Services.GetRequiredService<ProvisioningApps>();
        var first = await apps.AuthenticateAsync(scim.AppId, scim.Token, Ct);

        // Renamed, then the version put back: as if the rename had not moved it. The kept check still answers.
        await using var connection = await OpenAsync();
        var version = await VersionAsync(connection);
        await connection.ExecuteAsync("UPDATE apps SET name = 'Renamed' WHERE id = @id", new { id = scim.AppId });
        await connection.ExecuteAsync("UPDATE auth_version SET version = @version WHERE id = 1", new { version });
        var kept = await apps.AuthenticateAsync(scim.AppId, scim.Token, Ct);
        await connection.ExecuteAsync("UPDATE auth_version SET version = version + 1 WHERE id = 1");
        var readAgain = await apps.AuthenticateAsync(scim.AppId, scim.Token, Ct);

        Assert.Equal(("Entra", "Entra", "Renamed"), (first.App!.AppName, kept.App!.AppName, readAgain.App!.AppName));
    }

    [Fact]
    public async Task Every_change_a_token_check_reads_moves_the_credentials_version_and_last_use_does_not()
    {
        await using var connection = await OpenAsync();
        async Task<bool> MovesAsync(string sql)
        {
            var before = await VersionAsync(connection);
            await connection.ExecuteAsync(sql, new { app = scim.AppId, directory = scim.DirectoryId });
            return await VersionAsync(connection) > before;
        }

        Assert.False(await MovesAsync("UPDATE app_tokens SET last_used = '2026-11-30T00:00:00.0000000Z' WHERE app_id = @app"));
        Assert.True(await MovesAsync("UPDATE app_tokens SET expires = '2099-01-01T00:00:00.0000000Z' WHERE app_id = @app"));
        Assert.True(await MovesAsync("UPDATE app_tokens SET revoked = '2026-11-30T00:00:00.0000000Z' WHERE app_id = @app"));
        Assert.True(await MovesAsync("UPDATE apps SET features = NULL WHERE id = @app"));
        Assert.True(await MovesAsync("UPDATE directories SET profile_version = profile_version + 1 WHERE id = @directory"));
        Assert.True(await MovesAsync("DELETE FROM app_tokens WHERE app_id = @app"));
        if (TestStore.IsPostgres)
        {
            // TRUNCATE fires no row triggers; a statement trigger of its own moves the version.
            Assert.True(await MovesAsync("TRUNCATE app_tokens"));
        }

        Assert.True(await MovesAsync("DELETE FROM apps WHERE id = @app"));
    }

    private async Task<(int Code, string Output)> CliAsync(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HubCommandLine.RunAsync([.. arguments, .. store.CliArguments], output, error);
        Assert.True(code == 0, error.ToString());
        return (code, output.ToString());
    }

    private Task<DbConnection> OpenAsync() => elsewhere.OpenAsync(Ct);

    private static Task<long> VersionAsync(DbConnection connection) =>
        connection.ExecuteScalarAsync<long>("SELECT version FROM auth_version WHERE id = 1");
}
