using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;
using ScimHub.Bench;
using ScimHub.Cli;

// bench/run [--users N] [--provider Sqlite|Postgres --connection-string <admin connection string>] [--events on|off]
// [--keep]: the run's SQLite folder or PostgreSQL database is left behind, to examine (EXPLAIN) afterwards.
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "", StringComparer.OrdinalIgnoreCase);
var users = int.Parse(options.GetValueOrDefault("users", "100000"), CultureInfo.InvariantCulture);
var provider = options.GetValueOrDefault("provider", "Sqlite");
var bigGroup = Math.Min(users, int.Parse(options.GetValueOrDefault("big-group", "100000"), CultureInfo.InvariantCulture));
var groups = int.Parse(options.GetValueOrDefault("groups", "20"), CultureInfo.InvariantCulture);
var groupSize = Math.Min(users, int.Parse(options.GetValueOrDefault("group-size", "1000"), CultureInfo.InvariantCulture));
var run = Guid.NewGuid().ToString("N")[..8];
// --events off: the hub records no provisioning events (Reports:Record=false), to measure what recording costs.
var events = !options.GetValueOrDefault("events", "on").Equals("off", StringComparison.OrdinalIgnoreCase);

// A store of the run's own: a temp SQLite folder, or a fresh PostgreSQL database.
var storage = new Dictionary<string, string>();
var dataFolder = Directory.CreateTempSubdirectory("scimhub-bench-").FullName;
string? database = null;
if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
{
    var admin = options.GetValueOrDefault("connection-string") ?? throw new ArgumentException("--provider Postgres needs --connection-string");
    database = $"scimhub_bench_{run}";
    await using (var connection = new NpgsqlConnection(admin))
    {
        await connection.ExecuteAsync($"CREATE DATABASE {database}");
    }

    storage["Storage__Provider"] = "Postgres";
    storage["Storage__ConnectionString"] = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
}
else
{
    storage["Storage__DataFolder"] = dataFolder;
}

if (!events)
{
    storage["Reports__Record"] = "false";
}

var report = new List<string>();
void Report(string line)
{
    Console.WriteLine(line);
    report.Add(line);
}

try
{
    await using var hello = await ServerProcess.StartAsync("Hello.dll", "/hello", new Dictionary<string, string>());
    await using var hub = await ServerProcess.StartAsync("ScimHub.Server.dll", "/readyz", storage);
    using var output = new StringWriter();
    var cli = storage.TryGetValue("Storage__ConnectionString", out var cs)
        ? new[] { "--provider", "Postgres", "--connection-string", cs }
        : new[] { "--data-folder", dataFolder };
    if (await HubCommandLine.RunAsync(["apps", "create", "--name", "Bench", "--base-url", hub.BaseAddress.ToString(), .. cli], output, Console.Error) != 0)
    {
        throw new InvalidOperationException("apps create failed");
    }

    var lines = output.ToString().Split('\n');
    var basePath = new Uri(lines.Single(l => l.StartsWith("SCIM Base URL:", StringComparison.Ordinal))[14..].Trim()).AbsolutePath;
    var token = lines.Single(l => l.StartsWith("Bearer token:", StringComparison.Ordinal))[13..].Trim();
    using var ceilingLoad = new LoadGenerator(hello.BaseAddress, null, hello.CpuTime);
    using var metrics = new HttpClient { BaseAddress = hub.BaseAddress };

    // The hub's /metrics: its write slot, allocations and GC pauses so far.
    async Task<HubCounters> CountersAsync() => HubCounters.Parse(await metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

    using var load = new LoadGenerator(hub.BaseAddress, token, hub.CpuTime, CountersAsync);

    Task<LoadResult> CeilingAsync(int concurrency) =>
        ceilingLoad.RunAsync(concurrency == 1 ? 3000 : 20000, concurrency, _ => new HttpRequestMessage(HttpMethod.Get, "/hello"));

    // Besides the rate and its ratio to hello's: the hub's CPU time per request, and hello's, from the same run.
    void Line(string scenario, string unit, LoadResult result, LoadResult ceiling, double? perSecond = null)
    {
        var rate = perSecond ?? result.PerSecond;
        Report(string.Create(CultureInfo.InvariantCulture,
            $"{scenario,-28} {rate,10:N0} {unit,-10} p50 {result.P50Ms,7:F1} ms  p99 {result.P99Ms,7:F1} ms  errors {result.Errors}  ratio {result.PerSecond / ceiling.PerSecond:P1} of hello ({ceiling.PerSecond:N0} req/s)  CPU {result.ServerCpuUs:N0} µs/req (hello {ceiling.ServerCpuUs:N0}), cores busy {result.MachineBusy:P0}{(result.SlotBusy is { } slot ? $", write slot held {slot:P0}" : "")}{(result.WritesPerBatch is { } perBatch ? $" ({perBatch:N1} writes/commit)" : "")}{(result.AllocatedPerRequest is { } allocated ? $", {allocated / 1024:N1} KB allocated/req" : "")}{(result.GcPaused is { } paused ? $", GC paused {paused:P1}" : "")}"));
    }

    Report($"ScimHub bench: {users:N0} users on {provider}, provisioning events {(events ? "on" : "off")}, {Environment.ProcessorCount} cores, {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC");

    // 1. provision: the first tenth at concurrency 8, the rest at 32.
    var ids = new string[users];
    async Task RecordIdAsync(int i, HttpResponseMessage response)
    {
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        if (body.RootElement.TryGetProperty("id", out var id))
        {
            ids[i] = id.GetString()!;
        }
    }

    var firstPart = Math.Max(1, users / 10);
    var ceiling8 = await CeilingAsync(8);
    Line("provision c8", "users/s", await load.RunAsync(firstPart, 8, i => EntraRequests.CreateUser(basePath, run, i), RecordIdAsync), ceiling8);
    var ceiling32 = await CeilingAsync(32);
    var rest = await load.RunAsync(users - firstPart, 32, i => EntraRequests.CreateUser(basePath, run, i + firstPart), (i, r) => RecordIdAsync(i + firstPart, r));
    Line("provision c32", "users/s", rest, ceiling32);

    // 2. lookup: userName eq "<random existing>", as Entra matches before every create.
    var random = new Random(1);
    var lookups = Math.Min(50000, Math.Max(5000, users / 2));
    var picks = Enumerable.Range(0, lookups).Select(_ => random.Next(users)).ToArray();
    ceiling32 = await CeilingAsync(32);
    var misses = 0;
    var lookup = await load.RunAsync(lookups, 32, i => EntraRequests.Lookup(basePath, EntraRequests.UserName(run, picks[i])), async (_, r) =>
    {
        using var body = await JsonDocument.ParseAsync(await r.Content.ReadAsStreamAsync());
        if (body.RootElement.GetProperty("totalResults").GetInt32() != 1)
        {
            Interlocked.Increment(ref misses);
        }
    });
    Line("lookup userName eq c32", "req/s", lookup with { Errors = lookup.Errors + misses }, ceiling32);

    // The hub's own floor, to read the look-up against: its pipeline with no work (/healthz), and an authenticated
    // SCIM request that touches no user (ServiceProviderConfig: the token check, the SCIM filters, a small document).
    ceiling32 = await CeilingAsync(32);
    Line("hub floor: /healthz c32", "req/s", await load.RunAsync(20000, 32, _ => new HttpRequestMessage(HttpMethod.Get, "/healthz")), ceiling32);
    Line("hub floor: SCIM config c32", "req/s", await load.RunAsync(20000, 32, _ => new HttpRequestMessage(HttpMethod.Get, $"{basePath}/ServiceProviderConfig")), ceiling32);

    // 3. patch: Entra's default dialect (capitalised Replace, "False"/"True" strings).
    var patches = Math.Min(20000, Math.Max(5000, users / 5));
    ceiling32 = await CeilingAsync(32);
    Line("patch (Entra) c32", "req/s", await load.RunAsync(patches, 32, i => EntraRequests.Patch(basePath, ids[random.Next(users)], i)), ceiling32);

    // 4. groups: filled by PATCH in batches of 100, then a tenth removed; one big group grown batch by batch.
    var groupIds = new string[groups];
    await load.RunAsync(groups, 4, i => EntraRequests.CreateGroup(basePath, $"Group {i} {run}"), async (i, r) =>
    {
        using var body = await JsonDocument.ParseAsync(await r.Content.ReadAsStreamAsync());
        groupIds[i] = body.RootElement.GetProperty("id").GetString()!;
    });
    var batchesPerGroup = groupSize / 100;
    ceiling8 = await CeilingAsync(8);
    var fill = await load.RunAsync(groups * batchesPerGroup, 8, i =>
        EntraRequests.Members(basePath, groupIds[i % groups], "Add", ids.Skip((i / groups) * 100 + i % groups).Take(100)));
    Line("group add, batches of 100", "members/s", fill, ceiling8, fill.PerSecond * 100);
    var removeBatches = Math.Max(1, batchesPerGroup / 10);
    var remove = await load.RunAsync(groups * removeBatches, 8, i =>
        EntraRequests.Members(basePath, groupIds[i % groups], "Remove", ids.Skip((i / groups) * 100 + i % groups).Take(100)));
    Line("group remove 10%, batches", "members/s", remove, ceiling8, remove.PerSecond * 100);

    string bigId = "";
    await load.RunAsync(1, 1, _ => EntraRequests.CreateGroup(basePath, $"Big {run}"), async (_, r) =>
    {
        using var body = await JsonDocument.ParseAsync(await r.Content.ReadAsStreamAsync());
        bigId = body.RootElement.GetProperty("id").GetString()!;
    });
    var ceiling1 = await CeilingAsync(1);
    var grow = await load.RunAsync(bigGroup / 100, 1, i => EntraRequests.Members(basePath, bigId, "Add", ids.Skip(i * 100).Take(100)));
    Line($"grow one group to {bigGroup:N0}", "members/s", grow, ceiling1, grow.PerSecond * 100);
    Report(string.Create(CultureInfo.InvariantCulture, $"{"  first vs last batch",-28} {grow.FirstMs,7:F1} ms -> {grow.LastMs,7:F1} ms ({grow.LastMs / grow.FirstMs:F2}x)"));

    // 5. list: every user once, startIndex/count=100, one request at a time, as Okta imports.
    var seen = new HashSet<string>(StringComparer.Ordinal);
    var pageErrors = 0;
    var scan = System.Diagnostics.Stopwatch.StartNew();
    for (var start = 1; start <= users; start += 100)
    {
        using var response = await load.Http.SendAsync(EntraRequests.Page(basePath, start, 100));
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        if (!response.IsSuccessStatusCode)
        {
            pageErrors++;
            continue;
        }

        foreach (var user in body.RootElement.GetProperty("Resources").EnumerateArray())
        {
            if (!seen.Add(user.GetProperty("id").GetString()!))
            {
                pageErrors++;
            }
        }
    }

    Report(string.Create(CultureInfo.InvariantCulture, $"{"full list scan, count=100",-28} {scan.Elapsed.TotalSeconds,10:F1} s         saw {seen.Count:N0} of {users:N0} users, {pageErrors} errors/duplicates"));

    // 6. the Provisioning Report over everything above (N creates, patches, member changes): one user's timeline, and
    // the newest page of one app in the last 24 hours, as an admin asks them.
    if (events)
    {
        Report(string.Create(CultureInfo.InvariantCulture, $"{"server peak RSS before reports",-28} {hub.PeakRssMiB(),10:F0} MiB"));
        using var keyOutput = new StringWriter();
        if (await HubCommandLine.RunAsync(["admin", "keys", "create", "--name", "bench", .. cli], keyOutput, Console.Error) != 0)
        {
            throw new InvalidOperationException("admin keys create failed");
        }

        var adminKey = keyOutput.ToString().Split('\n').Single(l => l.StartsWith("Admin key:", StringComparison.Ordinal))[10..].Trim();
        using var adminLoad = new LoadGenerator(hub.BaseAddress, adminKey, hub.CpuTime, CountersAsync);
        var reportQueries = Math.Min(5000, Math.Max(1000, users / 20));
        var empty = 0;
        async Task CountEmptyAsync(HttpResponseMessage r)
        {
            using var body = await JsonDocument.ParseAsync(await r.Content.ReadAsStreamAsync());
            if (body.RootElement.GetProperty("events").GetArrayLength() == 0)
            {
                Interlocked.Increment(ref empty);
            }
        }

        ceiling8 = await CeilingAsync(8);
        var timeline = await adminLoad.RunAsync(reportQueries, 8, i => new HttpRequestMessage(HttpMethod.Get,
            $"/api/reports/provisioning/timeline?user={Uri.EscapeDataString(EntraRequests.UserName(run, random.Next(users)))}"), (_, r) => CountEmptyAsync(r));
        Line("report: user timeline c8", "req/s", timeline with { Errors = timeline.Errors + empty }, ceiling8);
        empty = 0;
        var newest = await adminLoad.RunAsync(reportQueries, 8, _ => new HttpRequestMessage(HttpMethod.Get, "/api/reports/provisioning?app=Bench&since=24h&limit=50"), (_, r) => CountEmptyAsync(r));
        Line("report: newest 50, app+24h c8", "req/s", newest with { Errors = newest.Errors + empty }, ceiling8);
    }

    // 7. footprint.
    var bytes = database is null
        ? Directory.EnumerateFiles(dataFolder).Sum(f => new FileInfo(f).Length)
        : await new NpgsqlConnection(storage["Storage__ConnectionString"]).ExecuteScalarAsync<long>("SELECT pg_database_size(current_database())");
    Report(string.Create(CultureInfo.InvariantCulture, $"{"server peak RSS",-28} {hub.PeakRssMiB(),10:F0} MiB"));
    Report(string.Create(CultureInfo.InvariantCulture, $"{"database size per user",-28} {bytes / (double)users,10:F0} bytes ({bytes / 1048576.0:F0} MiB in all)"));
}
finally
{
    NpgsqlConnection.ClearAllPools();
    if (database is not null && !options.ContainsKey("keep"))
    {
        await using var connection = new NpgsqlConnection(options["connection-string"]);
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
    }

    if (!options.ContainsKey("keep") || database is not null)
    {
        Directory.Delete(dataFolder, recursive: true);
    }

    if (options.ContainsKey("keep"))
    {
        Console.WriteLine($"kept: {(database is null ? dataFolder : $"PostgreSQL database {database}")}");
    }
}
