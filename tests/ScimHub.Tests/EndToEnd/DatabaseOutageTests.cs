using System.Diagnostics;
using System.Net;
using System.Text;
using ScimHub.Provisioning.Storage;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.EndToEnd;

/// <summary>
/// PostgreSQL stopped under load and started again: the hub answers 503 with Retry-After while it is down (never a
/// 500, never a hang), and serves again by itself once it is back. Uses a PostgreSQL cluster of its own, so that
/// stopping it disturbs no other test.
/// </summary>
[Trait("Storage", "PostgresOnly")]
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private readonly string clusterFolder = Path.Combine(Path.GetTempPath(), $"scimhub-outage-{Guid.NewGuid():N}");
    private string script = "";

    public async ValueTask InitializeAsync()
    {
        Assert.SkipUnless(TestStore.IsPostgres, "The outage test needs PostgreSQL (scripts/test installs it).");
        script = Path.Combine(RepositoryRoot(), "scripts", "postgres");
        Directory.CreateDirectory(clusterFolder);
        await RunScriptAsync("start");
    }

    public async ValueTask DisposeAsync()
    {
        if (script.Length > 0)
        {
            await RunScriptAsync("stop");
        }

        Npgsql.NpgsqlConnection.ClearAllPools();
        Directory.Delete(clusterFolder, recursive: true);
    }

    [Fact]
    public async Task Database_down_under_load_is_503_and_the_node_recovers_by_itself()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = File.ReadAllText(Path.Combine(clusterFolder, "port")).Trim();
        var storage = new StorageOptions
        {
            Provider = StorageProvider.Postgres,
            ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres",
            BusyTimeoutSeconds = 3,
        };
        var app = await CliApp.CreateAsync(["--provider", "Postgres", "--connection-string", storage.ConnectionString], "http://hub");
        var path = app.BasePath;
        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Storage:BusyTimeoutSeconds"] = "3",
        };
        await using var hub = await HubProcess.StartAsync(settings, HubProcess.FreePort(), ct);
        using var http = app.Client(hub.BaseAddress);

        Assert.Equal(HttpStatusCode.Created, (await CreateAsync(http, path)).Status);
        await RunScriptAsync("stop");

        var during = new List<(HttpStatusCode Status, TimeSpan Took, string? RetryAfter)>();
        for (var i = 0; i < 6; i++)
        {
            during.Add(await CreateAsync(http, path));
        }

        using (var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative), ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        await RunScriptAsync("resume");
        var recovered = Stopwatch.StartNew();
        var after = await CreateAsync(http, path);
        while (after.Status != HttpStatusCode.Created && recovered.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200, ct);
            after = await CreateAsync(http, path);
        }

        Assert.All(during, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status));
        Assert.All(during, r => Assert.Equal("5", r.RetryAfter));
        Assert.All(during, r => Assert.True(r.Took < TimeSpan.FromSeconds(15), $"a request took {r.Took} while the database was down"));
        Assert.Equal(HttpStatusCode.Created, after.Status);
    }

    private static async Task<(HttpStatusCode Status, TimeSpan Took, string? RetryAfter)> CreateAsync(HttpClient http, string path)
    {
        var clock = Stopwatch.StartNew();
        using var content = new StringContent(Bodies.User(Bodies.Unique("outage")), Encoding.UTF8, "application/scim+json");
        using var response = await http.PostAsync(new Uri(path + "/Users", UriKind.Relative), content, TestContext.Current.CancellationToken);
        return (response.StatusCode, clock.Elapsed, response.Headers.RetryAfter?.ToString());
    }

    private async Task RunScriptAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, command, clusterFolder]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"scripts/postgres {command} failed: {await stderr}");
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "scripts", "postgres")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("scripts/postgres not found above " + AppContext.BaseDirectory);
    }
}
