using ScimHub.Provisioning.Admin;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Directories;
using ScimHub.Provisioning.Profiles;
using ScimHub.Provisioning.Reports;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Cli;

/// <summary>The use cases on one database, migrated before use: what every command works with.</summary>
internal sealed class Hub(Database database, string baseUrl)
{
    public HubDirectories Directories { get; } = new(database, TimeProvider.System);

    public ProvisioningApps Apps { get; } = new(database, TimeProvider.System);

    public OAuthClients OAuthClients { get; } = new(database, TimeProvider.System);

    public DirectoryProfiles Profiles { get; } = new(database, new ListCache(TimeProvider.System), TimeProvider.System);

    public AppMappings Mappings => new(database, Profiles, TimeProvider.System);

    public string TokenUrl(string appId) => $"{baseUrl.TrimEnd('/')}/oauth/{appId}/token";

    public ProvisioningReports Reports { get; } = new(database);

    public AdminKeys AdminKeys { get; } = new(database, TimeProvider.System);

    public AdminAudit Audit { get; } = new(database);

    public EventRetention Retention(int retentionDays) => new(database, new ReportOptions { RetentionDays = retentionDays }, TimeProvider.System);

    public string ScimBaseUrl(string appId) => $"{baseUrl.TrimEnd('/')}/scim/{appId}/v2";

    public static async Task<Hub> StartAsync(StorageOptions storage, string baseUrl, CancellationToken cancellationToken)
    {
        var database = new Database(storage);
        await new Migrator(database, TimeProvider.System).MigrateAsync(cancellationToken);
        return new Hub(database, baseUrl);
    }
}
