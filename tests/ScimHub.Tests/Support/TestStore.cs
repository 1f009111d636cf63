using Dapper;
using Npgsql;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Tests.Support;

/// <summary>
/// A store of the hub's own for one test or fixture. The suite runs once per database: on SQLite (a temp folder) by
/// default, and on PostgreSQL (a fresh database on the server the test script started) when SCIMHUB_TEST_POSTGRES
/// holds that server's connection string.
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    private const string PostgresVariable = "SCIMHUB_TEST_POSTGRES";

    private readonly string? folder;
    private readonly string? databaseName;

    private TestStore(StorageOptions options, string? folder, string? databaseName)
    {
        Options = options;
        this.folder = folder;
        this.databaseName = databaseName;
    }

    public static bool IsPostgres => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresVariable));

    public StorageOptions Options { get; }

    /// <summary>The PostgreSQL database's name, or null on SQLite.</summary>
    public string? DatabaseName => databaseName;

    /// <summary>The same settings as configuration keys (for a host) ...</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Storage:Provider"] = Options.Provider.ToString(),
        ["Storage:DataFolder"] = Options.DataFolder,
        ["Storage:ConnectionString"] = Options.ConnectionString ?? "",
    };

    /// <summary>... and as CLI options.</summary>
    public IReadOnlyList<string> CliArguments => Options.Provider == StorageProvider.Postgres
        ? ["--provider", "Postgres", "--connection-string", Options.ConnectionString!]
        : ["--data-folder", Options.DataFolder];

    public static async Task<TestStore> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            var folder = Directory.CreateTempSubdirectory("scimhub-tests-").FullName;
            return new TestStore(new StorageOptions { DataFolder = folder }, folder, null);
        }

        var name = $"scimhub_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestStore(new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = connectionString }, null, name);
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (folder is not null)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still open at exit is left to the OS's temp clean-up.
            }
        }

        if (databaseName is not null)
        {
            await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresVariable));
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)");
        }
    }
}
