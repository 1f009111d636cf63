namespace ScimHub.Provisioning.Storage;

/// <summary>Which database the hub keeps its directories in.</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file under <see cref="StorageOptions.DataFolder"/>: one node, nothing to install.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: any number of hub nodes on one database.</summary>
    Postgres,
}

/// <summary>The <c>Storage</c> configuration section (environment: <c>Storage__Provider</c>, <c>Storage__ConnectionString</c>, ...).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Folder of the embedded SQLite database (<c>scimhub.db</c>); created on first start.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>
    /// A full connection string. Required for PostgreSQL (e.g. <c>Host=db;Database=scimhub;Username=scimhub;Password=…</c>);
    /// for SQLite it wins over <see cref="DataFolder"/>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Whether the server migrates the database when it starts (default). Deployments that forbid schema changes at
    /// start-up set it to false and run <c>scimhub db migrate</c> first; a server then refuses to start on an
    /// out-of-date schema.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>How long a request waits for a busy database (a lock, a full pool, a server that is down) before it gets a 503 with Retry-After.</summary>
    public int BusyTimeoutSeconds { get; set; } = 10;

    public string SqliteConnectionString()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        Directory.CreateDirectory(DataFolder);
        return $"Data Source={Path.Combine(DataFolder, "scimhub.db")};Pooling=True;Default Timeout={BusyTimeoutSeconds}";
    }
}
