using ScimHub.Cli;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Cli;

/// <summary>The CLI on a store of its own, as an admin would run it.</summary>
public sealed class AppsCommandTests : IAsyncLifetime
{
    private TestStore store = null!;

    public async ValueTask InitializeAsync() => store = await TestStore.CreateAsync();

    public ValueTask DisposeAsync() => store.DisposeAsync();

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HubCommandLine.RunAsync([.. args, .. store.CliArguments, "--base-url", "https://scim.example.com/"], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Apps_create_prints_the_scim_base_url_and_a_token_shown_once()
    {
        var (code, output, _) = await RunAsync("apps", "create", "--name", "Microsoft Entra ID");

        Assert.Equal(0, code);
        var appId = Line(output, "App id:");
        Assert.Equal($"https://scim.example.com/scim/{appId}/v2", Line(output, "SCIM Base URL:"));
        Assert.StartsWith("scimhub_", Line(output, "Bearer token:"), StringComparison.Ordinal);
        var (_, list, _) = await RunAsync("apps", "list");
        Assert.Contains("Microsoft Entra ID", list, StringComparison.Ordinal);
        Assert.Contains($"https://scim.example.com/scim/{appId}/v2", list, StringComparison.Ordinal);
        Assert.DoesNotContain(Line(output, "Bearer token:"), list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apps_create_needs_a_name()
    {
        var (code, _, error) = await RunAsync("apps", "create");

        Assert.NotEqual(0, code);
        Assert.Contains("--name", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_revoke_and_delete_name_unknown_apps_clearly()
    {
        foreach (var command in new[]
        {
            new[] { "apps", "tokens", "rotate" }, ["apps", "tokens", "revoke", "--all"], ["apps", "tokens", "revoke", "--token", "t1"], ["apps", "tokens", "list"],
            ["apps", "tokens", "create"], ["apps", "delete"], ["apps", "rename", "--name", "x"], ["apps", "features", "show"], ["apps", "features", "set", "--create-users", "off"],
        })
        {
            var (code, _, error) = await RunAsync([.. command, "--app", "nope"]);

            Assert.Equal(2, code);
            Assert.Contains("No app with id 'nope'", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rotate_then_revoke_leaves_the_app_without_tokens_and_delete_removes_it()
    {
        var (_, created, _) = await RunAsync("apps", "create", "--name", "Okta");
        var appId = Line(created, "App id:");

        var (rotateCode, rotated, _) = await RunAsync("apps", "tokens", "rotate", "--app", appId);
        var (revokeCode, revoked, _) = await RunAsync("apps", "tokens", "revoke", "--app", appId, "--all");
        var (deleteCode, _, _) = await RunAsync("apps", "delete", "--app", appId);
        var (_, list, _) = await RunAsync("apps", "list");

        Assert.Equal((0, 0, 0), (rotateCode, revokeCode, deleteCode));
        Assert.NotEqual(Line(created, "Bearer token:"), Line(rotated, "Bearer token:"));
        Assert.Contains("Revoked 1 token(s)", revoked, StringComparison.Ordinal);
        Assert.DoesNotContain(appId, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apps_can_be_created_in_a_named_directory()
    {
        await RunAsync("directories", "create", "--name", "Fabrikam");

        var (code, output, _) = await RunAsync("apps", "create", "--name", "Okta", "--directory", "fabrikam");
        var (missingCode, _, error) = await RunAsync("apps", "create", "--name", "Okta", "--directory", "Nowhere");

        Assert.Equal(0, code);
        Assert.Contains("in directory \"Fabrikam\"", output, StringComparison.Ordinal);
        Assert.Equal(2, missingCode);
        Assert.Contains("No directory 'Nowhere'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_migrate_applies_the_schema_once_and_then_reports_it_up_to_date()
    {
        var (firstCode, first, _) = await RunAsync("db", "migrate");
        var (secondCode, second, _) = await RunAsync("db", "migrate");

        Assert.Equal((0, 0), (firstCode, secondCode));
        Assert.Contains("Applied 9 migration(s): 0001_initial, 0002_data_protection_keys, 0003_provisioning_events, 0004_app_features_and_token_expiry, 0005_oauth_clients, 0006_app_templates, 0007_profile_attributes, 0008_attribute_rules, 0009_auth_version.", first, StringComparison.Ordinal);
        Assert.Contains("The database is up to date.", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_is_a_clear_error()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await HubCommandLine.RunAsync(["apps", "list", "--provider", "Postgres", "--connection-string", ""], output, error);

        Assert.Equal(2, code);
        Assert.Contains("Storage:ConnectionString must name the database", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Features_set_switches_only_what_it_names_and_show_prints_them()
    {
        var (_, created, _) = await RunAsync("apps", "create", "--name", "Okta");
        var appId = Line(created, "App id:");

        var (setCode, set, _) = await RunAsync("apps", "features", "set", "--app", appId, "--delete-users", "on", "--user-delete-action", "deactivate", "--create-groups", "off");
        var (_, shown, _) = await RunAsync("apps", "features", "show", "--app", appId);
        var (badCode, _, badError) = await RunAsync("apps", "features", "set", "--app", appId, "--create-users", "maybe");

        Assert.Equal(0, setCode);
        Assert.Equal(set, shown);
        Assert.Contains("users:  create on, update on, deactivate on, delete on (a DELETE deactivates the user)", shown, StringComparison.Ordinal);
        Assert.Contains("groups: create off, update on, delete on", shown, StringComparison.Ordinal);
        Assert.NotEqual(0, badCode);
        Assert.Contains("maybe", badError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_are_created_with_a_name_and_expiry_listed_without_the_secret_and_revoked_one_by_one()
    {
        var (_, created, _) = await RunAsync("apps", "create", "--name", "Entra");
        var appId = Line(created, "App id:");

        var (createCode, issued, _) = await RunAsync("apps", "tokens", "create", "--app", appId, "--name", "Entra 2027", "--expires", "2099-01-31");
        var tokenId = Line(issued, "Token id:");
        var (_, listed, _) = await RunAsync("apps", "tokens", "list", "--app", appId);
        var (revokeCode, _, _) = await RunAsync("apps", "tokens", "revoke", "--app", appId, "--token", tokenId);
        var (againCode, _, again) = await RunAsync("apps", "tokens", "revoke", "--app", appId, "--token", tokenId);
        var (_, afterRevoke, _) = await RunAsync("apps", "tokens", "list", "--app", appId);

        Assert.Equal((0, 0, 2), (createCode, revokeCode, againCode));
        Assert.Equal("2099-01-31 00:00 UTC", Line(issued, "Expires:"));
        var row = listed.Split('\n').Single(l => l.StartsWith(tokenId, StringComparison.Ordinal));
        Assert.Contains("Entra 2027", row, StringComparison.Ordinal);
        Assert.Contains("2099-01-31 00:00", row, StringComparison.Ordinal);
        Assert.Matches("never +active$", row.TrimEnd());
        Assert.DoesNotContain(Line(issued, "Bearer token:"), listed, StringComparison.Ordinal);
        Assert.Equal(3, listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("no active token", again, StringComparison.Ordinal);
        Assert.EndsWith("revoked", afterRevoke.Split('\n').Single(l => l.StartsWith(tokenId, StringComparison.Ordinal)).TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_with_overlap_says_when_earlier_tokens_stop()
    {
        var (_, created, _) = await RunAsync("apps", "create", "--name", "Entra");
        var appId = Line(created, "App id:");

        var (code, rotated, _) = await RunAsync("apps", "tokens", "rotate", "--app", appId, "--overlap", "24h");
        var (_, listed, _) = await RunAsync("apps", "tokens", "list", "--app", appId);

        Assert.Equal(0, code);
        Assert.Contains("Earlier tokens of this app stop working at ", rotated, StringComparison.Ordinal);
        Assert.Equal(2, listed.Split('\n').Count(l => l.TrimEnd().EndsWith("active", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Token_commands_name_the_option_that_is_wrong()
    {
        var (_, created, _) = await RunAsync("apps", "create", "--name", "Entra");
        var appId = Line(created, "App id:");

        var (expiresCode, _, expires) = await RunAsync("apps", "tokens", "create", "--app", appId, "--expires", "2001-01-01");
        var (overlapCode, _, overlap) = await RunAsync("apps", "tokens", "rotate", "--app", appId, "--overlap", "45d");
        var (neitherCode, _, neither) = await RunAsync("apps", "tokens", "revoke", "--app", appId);
        var (bothCode, _, _) = await RunAsync("apps", "tokens", "revoke", "--app", appId, "--all", "--token", "t");

        Assert.Equal((2, 2), (expiresCode, overlapCode));
        Assert.StartsWith("scimhub: --expires: ", expires, StringComparison.Ordinal);
        Assert.StartsWith("scimhub: --overlap: ", overlap, StringComparison.Ordinal);
        Assert.NotEqual(0, neitherCode);
        Assert.NotEqual(0, bothCode);
        Assert.Contains("--token <id>", neither, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apps_are_created_from_a_template_and_their_required_attributes_can_be_replaced()
    {
        var (code, created, _) = await RunAsync("apps", "create", "--name", "Entra", "--template", "entra");
        var appId = Line(created, "App id:");
        var (templatesCode, templates, _) = await RunAsync("apps", "templates");
        var (requiredCode, required, _) = await RunAsync("apps", "required", "--app", appId, "--attribute", "userName", "--attribute", "emails[type eq \"work\"].value");
        var (badCode, _, bad) = await RunAsync("apps", "required", "--app", appId, "--attribute", "nickName2");
        var (unknownCode, _, unknown) = await RunAsync("apps", "create", "--name", "X", "--template", "azure");

        Assert.Equal((0, 0, 0, 2, 2), (code, templatesCode, requiredCode, badCode, unknownCode));
        Assert.Contains("from the Microsoft Entra ID template", created, StringComparison.Ordinal);
        Assert.Equal("userName, name.givenName, name.familyName, emails[type eq \"work\"].value, displayName, active", Line(created, "Required:"));
        Assert.Contains("okta", templates, StringComparison.Ordinal);
        Assert.Contains("requires: userName, emails[type eq \"work\"].value", required, StringComparison.Ordinal);
        Assert.StartsWith("scimhub: --attribute: 'nickName2'", bad, StringComparison.Ordinal);
        Assert.StartsWith("scimhub: --template: ", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oauth_clients_are_created_with_their_token_url_listed_without_secrets_and_revoked()
    {
        var (_, created, _) = await RunAsync("apps", "create", "--name", "Entra gallery");
        var appId = Line(created, "App id:");

        var (createCode, client, _) = await RunAsync("apps", "oauth", "create", "--app", appId, "--name", "gallery", "--access-token-lifetime", "2h", "--expires", "104w");
        var clientId = Line(client, "Client id:");
        var (_, listed, _) = await RunAsync("apps", "oauth", "list", "--app", appId);
        var (revokeCode, _, _) = await RunAsync("apps", "oauth", "revoke", "--app", appId, "--client", clientId);
        var (_, afterRevoke, _) = await RunAsync("apps", "oauth", "list", "--app", appId);
        var (badCode, _, bad) = await RunAsync("apps", "oauth", "create", "--app", appId, "--access-token-lifetime", "12h");

        Assert.Equal((0, 0, 2), (createCode, revokeCode, badCode));
        Assert.StartsWith("scimhub_secret_", Line(client, "Client secret:"), StringComparison.Ordinal);
        Assert.Equal($"https://scim.example.com/oauth/{appId}/token", Line(client, "Token URL:"));
        Assert.StartsWith("2 h;", Line(client, "Access tokens:"), StringComparison.Ordinal);
        Assert.Matches("2h +active$", listed.Split('\n').Single(l => l.StartsWith(clientId, StringComparison.Ordinal)).TrimEnd());
        Assert.DoesNotContain(Line(client, "Client secret:"), listed, StringComparison.Ordinal);
        Assert.EndsWith("revoked", afterRevoke.Split('\n').Single(l => l.StartsWith(clientId, StringComparison.Ordinal)).TrimEnd(), StringComparison.Ordinal);
        Assert.StartsWith("scimhub: --access-token-lifetime: ", bad, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_attributes_are_added_listed_and_removed_and_the_audit_log_shows_it()
    {
        var (addCode, added, _) = await RunAsync("profile", "add", "--name", "costCenter2", "--type", "string", "--description", "HR cost center");
        var (multiCode, _, _) = await RunAsync("profile", "add", "--name", "badges", "--type", "string", "--multi-valued", "--case-exact");
        var (_, listed, _) = await RunAsync("profile", "list");
        var (badCode, _, bad) = await RunAsync("profile", "add", "--name", "title", "--type", "string");
        var (removeCode, removed, _) = await RunAsync("profile", "remove", "--name", "costCenter2");
        var (missingCode, _, missing) = await RunAsync("profile", "remove", "--name", "costCenter2");
        var (_, audit, _) = await RunAsync("admin", "audit", "--since", "1h");

        Assert.Equal((0, 0, 2, 0, 2), (addCode, multiCode, badCode, removeCode, missingCode));
        Assert.Equal("urn:ietf:params:scim:schemas:extension:scimhub:2.0:User:costCenter2", Line(added, "SCIM path:"));
        Assert.Matches("costCenter2 +string +no +no +no +HR cost center", listed);
        Assert.Matches("badges +string +yes +no +yes", listed);
        Assert.StartsWith("scimhub: --name: 'title' is a default profile attribute", bad, StringComparison.Ordinal);
        Assert.Contains("and its values from 0 user(s)", removed, StringComparison.Ordinal);
        Assert.Contains("no custom attribute 'costCenter2'", missing, StringComparison.Ordinal);
        Assert.Contains("profile-attribute-removed", audit, StringComparison.Ordinal);
        Assert.Contains("profile-attribute-added", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attribute_rules_are_set_from_a_file_shown_and_previewed()
    {
        var (_, created, _) = await RunAsync("apps", "create", "--name", "Entra");
        var appId = Line(created, "App id:");
        await RunAsync("profile", "add", "--name", "costCenter2", "--type", "string");
        var folder = Directory.CreateTempSubdirectory("scimhub-rules-").FullName;
        try
        {
            await RulesFromFilesAsync(appId, folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task RulesFromFilesAsync(string appId, string folder)
    {
        var rulesFile = Path.Combine(folder, "rules.json");
        var userFile = Path.Combine(folder, "user.json");
        var badFile = Path.Combine(folder, "bad.json");
        const string Custom = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";
        await File.WriteAllTextAsync(rulesFile, $$"""[{ "source": "{{Custom}}:costCenterCode", "target": "costCenter2", "transform": "upper" }]""", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(userFile, $$"""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "{{Custom}}"], "userName": "p@contoso.com", "{{Custom}}": { "costCenterCode": "cc-1" } }""", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(badFile, """[{ "source": "title", "target": "nowhere" }]""", TestContext.Current.CancellationToken);

        var (setCode, set, _) = await RunAsync("apps", "rules", "set", "--app", appId, "--file", rulesFile);
        var (_, shown, _) = await RunAsync("apps", "rules", "show", "--app", appId);
        var (previewCode, preview, _) = await RunAsync("apps", "rules", "preview", "--app", appId, "--user", userFile);
        var (badCode, _, bad) = await RunAsync("apps", "rules", "set", "--app", appId, "--file", badFile);
        var (missingCode, _, missing) = await RunAsync("apps", "rules", "set", "--app", appId, "--file", Path.Combine(folder, "none.json"));

        Assert.Equal((0, 0, 2, 2), (setCode, previewCode, badCode, missingCode));
        Assert.Contains("Saved 1 rule(s).", set, StringComparison.Ordinal);
        Assert.Contains("\"transform\": \"upper\"", shown, StringComparison.Ordinal);
        Assert.Contains("\"costCenter2\": \"CC-1\"", preview, StringComparison.Ordinal);
        Assert.StartsWith("scimhub: --rules[0].target: ", bad, StringComparison.Ordinal);
        Assert.StartsWith("scimhub: --file: ", missing, StringComparison.Ordinal);
    }

    private static string Line(string output, string label) => CliApp.Line(output, label);
}
