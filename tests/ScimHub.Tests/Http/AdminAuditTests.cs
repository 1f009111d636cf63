using System.Net;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>Admin changes (apps, features, credentials, profile attributes) land in the audit log, without secrets.</summary>
public sealed class AdminAuditTests(HubFactory hub)
{
    [Fact]
    public async Task Each_admin_change_is_an_audit_entry_of_its_directory_newest_first_and_no_secret_is_in_it()
    {
        var admin = await AdminClient.CreateAsync(hub);
        var directory = await hub.Service<Provisioning.Directories.HubDirectories>().CreateAsync(Bodies.Unique("dir"), TestContext.Current.CancellationToken);
        var created = await admin.PostAsync("/api/apps", $$"""{ "name": "Entra", "directory": "{{directory.Id}}", "template": "entra" }""");
        var appId = created.Body!["app"]!["id"]!.GetValue<string>();
        await admin.PatchAsync($"/api/apps/{appId}", """{ "name": "Entra (prod)", "features": { "deleteUsers": false } }""");
        var issued = await admin.PostAsync($"/api/apps/{appId}/tokens", """{ "name": "second" }""");
        await admin.DeleteAsync($"/api/apps/{appId}/tokens/{issued.Body!["id"]}");
        var client = await admin.PostAsync($"/api/apps/{appId}/oauth-clients", "{}");
        await admin.DeleteAsync($"/api/apps/{appId}/oauth-clients/{client.Body!["client"]!["clientId"]}");
        await admin.PostAsync($"/api/directories/{directory.Id}/profile-attributes", """{ "name": "costCenter2", "type": "string" }""");
        await admin.DeleteAsync($"/api/directories/{directory.Id}/profile-attributes/costCenter2");
        await admin.PostAsync($"/api/apps/{appId}/tokens/rotate", "{}");
        await admin.DeleteAsync($"/api/apps/{appId}");

        var audit = await admin.GetAsync($"/api/audit?directory={directory.Id}");

        Assert.Equal(HttpStatusCode.OK, audit.Status);
        Assert.Equal(
            ["app-deleted", "tokens-rotated", "profile-attribute-removed", "profile-attribute-added", "oauth-client-revoked", "oauth-client-created",
                "token-revoked", "token-issued", "app-changed", "app-created"],
            audit.Body!.AsArray().Select(e => e!["action"]!.GetValue<string>()));
        Assert.Contains("'Entra' → 'Entra (prod)'", audit.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Body["token"]!["token"]!.GetValue<string>(), audit.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(issued.Body["token"]!.GetValue<string>(), audit.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Body["clientSecret"]!.GetValue<string>(), audit.Text, StringComparison.Ordinal);
        Assert.Single((await admin.GetAsync($"/api/audit?directory={directory.Id}&limit=1")).Body!.AsArray());
    }

    [Theory]
    [InlineData("limit=0", HttpStatusCode.BadRequest)]
    [InlineData("limit=5000", HttpStatusCode.BadRequest)]
    [InlineData("since=forever", HttpStatusCode.BadRequest)]
    [InlineData("directory=no-such-directory", HttpStatusCode.NotFound)]
    [InlineData("since=24h&limit=10", HttpStatusCode.OK)]
    public async Task Audit_filters_are_checked(string query, HttpStatusCode status)
    {
        var admin = await AdminClient.CreateAsync(hub);

        var response = await admin.GetAsync($"/api/audit?{query}");

        Assert.Equal(status, response.Status);
    }
}
