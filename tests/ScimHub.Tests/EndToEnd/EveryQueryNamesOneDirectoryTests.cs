using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.EndToEnd;

/// <summary>
/// The property that lets directories spread over several databases: every statement the hub sends about users,
/// emails, groups or memberships names one directory. PostgreSQL logs every statement of this test's database while
/// a whole provisioning cycle runs, and each logged statement is checked.
/// </summary>
[Trait("Storage", "PostgresOnly")]
public sealed partial class EveryQueryNamesOneDirectoryTests : IAsyncLifetime
{
    private TestStore store = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.SkipUnless(TestStore.IsPostgres && Environment.GetEnvironmentVariable("SCIMHUB_TEST_POSTGRES_DIR") is not null,
            "Needs the PostgreSQL that scripts/test starts (its server log).");
        store = await TestStore.CreateAsync();
        await using var admin = new NpgsqlConnection(Environment.GetEnvironmentVariable("SCIMHUB_TEST_POSTGRES"));
        await admin.ExecuteAsync($"ALTER DATABASE {store.DatabaseName} SET log_statement = 'all'");
    }

    public async ValueTask DisposeAsync()
    {
        if (store is not null)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_statement_on_directory_data_is_scoped_to_one_directory()
    {
        await using (var factory = new IsolatedHubFactory(store))
        {
            var scim = await factory.NewAppAsync();
            var alice = await scim.CreateUserAsync(Bodies.Unique("alice"));
            var bob = await scim.CreateUserAsync(Bodies.Unique("bob"));
            var group = await scim.CreateGroupAsync(Bodies.Unique("Audited"));
            var requests = new[]
            {
                await scim.GetAsync($"/Users?filter={Uri.EscapeDataString("userName sw \"alice\" or emails[type eq \"work\" and value co \"@contoso\"] or groups.value eq \"x\"")}&sortBy=emails.value"),
                await scim.GetAsync($"/Users/{alice}"),
                await scim.PatchAsync($"/Users/{alice}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }""")),
                await scim.PutAsync($"/Users/{bob}", Bodies.User(Bodies.Unique("bob"))),
                await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "Add", "path": "members", "value": [{{Bodies.Member(alice)}}, {{Bodies.Member(bob)}}] }""")),
                await scim.GetAsync($"/Groups?filter={Uri.EscapeDataString($"members[value eq \"{alice}\"] and displayName sw \"Audited\"")}"),
                await scim.PatchAsync($"/Groups/{group}", Bodies.Patch($$"""{ "op": "remove", "path": "members[value eq \"{{bob}}\"]" }""")),
                await scim.PostAsync("/.search", """{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "meta.lastModified gt \"2000-01-01T00:00:00Z\"" }"""),
                await scim.DeleteAsync($"/Users/{bob}"),
                await scim.DeleteAsync($"/Groups/{group}"),
            };
            Assert.All(requests, r => Assert.True((int)r.Status < 300, $"{r.Status}: {r.Body?.ToJsonString()}"));
        }

        var statements = LoggedStatements(store.DatabaseName!);
        // Data statements only: the migrations' CREATE TABLE and CREATE INDEX name no directory, by nature.
        var onDirectoryData = statements.Where(s => DataStatement().IsMatch(s) && DirectoryTable().IsMatch(s)).ToList();
        Assert.True(onDirectoryData.Count > 20, $"only {onDirectoryData.Count} statements were logged");
        Assert.All(onDirectoryData, s => Assert.True(Scoped().IsMatch(s) || s.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) && s.Contains("directory_id", StringComparison.Ordinal), s));
    }

    /// <summary>The statements PostgreSQL logged for one database: entries prefixed "database|", continued over lines.</summary>
    private static List<string> LoggedStatements(string database)
    {
        var log = File.ReadAllLines(Path.Combine(Environment.GetEnvironmentVariable("SCIMHUB_TEST_POSTGRES_DIR")!, "server.log"));
        var statements = new List<string>();
        string? current = null;
        foreach (var line in log)
        {
            if (line.Contains('|', StringComparison.Ordinal) && !line.StartsWith('\t'))
            {
                if (current is not null)
                {
                    statements.Add(current);
                }

                var match = LoggedStatement().Match(line);
                current = line.StartsWith(database + "|", StringComparison.Ordinal) && match.Success ? match.Groups["sql"].Value : null;
            }
            else if (current is not null)
            {
                current += "\n" + line;
            }
        }

        if (current is not null)
        {
            statements.Add(current);
        }

        return statements.Select(s => s.Trim()).ToList();
    }

    [GeneratedRegex(@"LOG:\s+(?:statement|execute [^:]*):\s(?<sql>.*)$")]
    private static partial Regex LoggedStatement();

    [GeneratedRegex(@"^(SELECT|INSERT|UPDATE|DELETE|WITH)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DataStatement();

    [GeneratedRegex(@"\b(users|user_emails|groups|group_members)\b")]
    private static partial Regex DirectoryTable();

    [GeneratedRegex(@"directory_id\s*=\s*\$\d+")]
    private static partial Regex Scoped();
}
