namespace ScimHub.Provisioning.Storage;

/// <summary>The <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Folder of the embedded SQLite database (<c>scimhub.db</c>); created on first start.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>A full connection string; when set it wins over <see cref="DataFolder"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a write waits for another writer before the request gets a 503 with Retry-After.</summary>
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
