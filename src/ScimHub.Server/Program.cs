using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using OpenTelemetry.Metrics;
using ScimHub.Provisioning.Admin;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Directories;
using ScimHub.Provisioning.Groups;
using ScimHub.Provisioning.Profiles;
using ScimHub.Provisioning.Reports;
using ScimHub.Provisioning.Storage;
using ScimHub.Provisioning.Users;
using ScimHub.Server;
using ScimHub.Server.Admin;
using ScimHub.Server.Auth;
using ScimHub.Server.Errors;
using ScimHub.Server.Reports;
using ScimHub.Server.Scim;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrWhiteSpace(builder.Configuration["Urls"]))
{
    // Loopback by default: exposing the hub is a choice (--urls, or the Urls environment variable).
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
builder.Services.AddSingleton(TimeProvider.System);
var database = new Database(storage);
// Registered through a factory so that the host disposes it (and the SQLite writer's connection) at shutdown.
builder.Services.AddSingleton(_ => database);
builder.Services.AddSingleton<Migrator>();
builder.Services.AddSingleton<HubDirectories>();
builder.Services.AddSingleton<ProvisioningApps>();
builder.Services.AddSingleton<OAuthClients>();
builder.Services.AddSingleton<FailedAuthAttempts>();
builder.Services.AddSingleton<ListCache>();
var reports = builder.Configuration.GetSection(ReportOptions.Section).Get<ReportOptions>() ?? new ReportOptions();
reports.Validate();
builder.Services.AddSingleton(reports);
builder.Services.AddSingleton<EventRecorder>();
builder.Services.AddSingleton<RejectedRequests>();
builder.Services.AddSingleton<ProvisioningReports>();
builder.Services.AddSingleton<EventRetention>();
builder.Services.AddHostedService<EventRetentionService>();
builder.Services.AddSingleton<AdminKeys>();
builder.Services.AddSingleton<AdminAudit>();
builder.Services.AddSingleton<AdminKeyFilter>();
builder.Services.AddSingleton<DirectoryProfiles>();
builder.Services.AddSingleton<AppMappings>();
builder.Services.AddSingleton<DirectoryUsers>();
builder.Services.AddSingleton<DirectoryGroups>();
builder.Services.AddSingleton<BearerTokenFilter>();
builder.Services.AddExceptionHandler<ScimExceptionHandler>();
// One key ring for all nodes, kept in the database (secrets encrypted on one node decrypt on another).
builder.Services.AddDataProtection().SetApplicationName("ScimHub");
builder.Services.Configure<KeyManagementOptions>(options => options.XmlRepository = new DataProtectionKeyRepository(database, TimeProvider.System));
builder.Services.AddProblemDetails();
// The admin API's JSON bodies: an unknown field is an error (a typo must not be ignored), and so is a body that
// cannot be read; the error handler names the field in a ProblemDetails answer.
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
    options.SerializerOptions.RespectNullableAnnotations = true;
});
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
// The admin API's OpenAPI document (SCIM endpoints are described by /Schemas and /ResourceTypes instead).
builder.Services.AddOpenApi(options =>
{
    options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
    options.AddDocumentTransformer<AdminApiDocument>();
});
// Request rates, durations and status codes per route, connections, GC and thread pool; Npgsql's pool when on PostgreSQL.
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime", "Npgsql", WriteSlotMetrics.MeterName)
    .AddPrometheusExporter());
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = ScimJson.MaxPayloadSize);

var app = builder.Build();

// First start creates and migrates the database, and the first directory.
var migrator = app.Services.GetRequiredService<Migrator>();
if (storage.MigrateOnStart)
{
    await migrator.MigrateAsync(CancellationToken.None);
}
else if (await migrator.PendingAsync(CancellationToken.None) is { Count: > 0 } pending)
{
    throw new InvalidOperationException(
        $"The database schema is behind this build (pending: {string.Join(", ", pending)}) and Storage:MigrateOnStart is false. Run 'scimhub db migrate' first.");
}

await app.Services.GetRequiredService<HubDirectories>().EnsureDefaultAsync(CancellationToken.None);
database.StartBackgroundCheckpoints();

app.UseCorrelationIds();
app.UseExceptionHandler();
app.UseStatusCodePages(ScimStatusCodes.WriteAsync);

// Liveness: the process answers. Readiness: it can reach its database (a load balancer stops sending otherwise).
app.MapGet("/healthz", () => Results.Text("ok"));
app.MapGet("/readyz", ReadinessProbe.CheckAsync);
app.MapPrometheusScrapingEndpoint("/metrics");

app.MapOAuthToken();
var scim = app.MapGroup("/scim/{appId}/v2")
    .AddEndpointFilter<BearerTokenFilter>()
    .AddEndpointFilter<RejectedRequests>();
scim.MapScimUsers()
    .MapScimGroups()
    .MapScimDiscovery()
    .MapScimBulk()
    .MapScimRoot();

// The admin REST API: admin keys only (scimhub admin keys create), ProblemDetails errors.
app.MapGroup("/api")
    .AddEndpointFilter<AdminKeyFilter>()
    .MapApps()
    .MapProfile()
    .MapReports();
app.MapOpenApi("/api/openapi/{documentName}.json");

await app.RunAsync();

/// <summary>Entry point, visible to the HTTP tests.</summary>
public partial class Program;
