using System.CommandLine;
using System.Data.Common;
using ScimHub.Provisioning;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Cli;

/// <summary>
/// <c>scimhub</c>: the hub's use cases from a terminal. It works on the same database as the server: SQLite in the
/// data folder (<c>--data-folder</c>, else Storage__DataFolder, else ./data), or PostgreSQL with
/// <c>--provider Postgres --connection-string ...</c> (else Storage__Provider and Storage__ConnectionString).
/// </summary>
public static class HubCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var dataFolder = new Option<string>("--data-folder")
        {
            Description = "Folder of the hub's SQLite database (the server's Storage:DataFolder).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__DataFolder") ?? "data",
        };
        var provider = new Option<StorageProvider>("--provider")
        {
            Description = "Sqlite or Postgres (the server's Storage:Provider).",
            Recursive = true,
            DefaultValueFactory = _ => Enum.TryParse<StorageProvider>(Environment.GetEnvironmentVariable("Storage__Provider"), ignoreCase: true, out var p) ? p : StorageProvider.Sqlite,
        };
        var connectionString = new Option<string?>("--connection-string")
        {
            Description = "Database connection string (the server's Storage:ConnectionString); required for Postgres.",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__ConnectionString"),
        };
        var baseUrl = new Option<string>("--base-url")
        {
            Description = "Public URL of the hub, used to print SCIM base URLs.",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SCIMHUB_PUBLIC_URL") ?? "http://127.0.0.1:5080",
        };
        StorageOptions StorageOf(ParseResult parse) =>
            new() { Provider = parse.GetValue(provider), DataFolder = parse.GetValue(dataFolder)!, ConnectionString = parse.GetValue(connectionString) };
        Task<Hub> OpenAsync(ParseResult parse, CancellationToken ct) => Hub.StartAsync(StorageOf(parse), parse.GetValue(baseUrl)!, ct);

        var directoriesList = new Command("list", "List the directories.");
        directoriesList.SetAction(async (parse, ct) =>
        {
            var hub = await OpenAsync(parse, ct);
            foreach (var d in await hub.Directories.ListAsync(ct))
            {
                await output.WriteLineAsync($"{d.Id}  {d.Name}");
            }

            return 0;
        });

        var directoryName = new Option<string>("--name") { Description = "Name of the directory (tenant).", Required = true };
        var directoriesCreate = new Command("create", "Create a directory: a separate set of users and groups.") { directoryName };
        directoriesCreate.SetAction(async (parse, ct) =>
        {
            var hub = await OpenAsync(parse, ct);
            var created = await hub.Directories.CreateAsync(parse.GetValue(directoryName)!, ct);
            await output.WriteLineAsync($"Created directory \"{created.Name}\" ({created.Id}).");
            return 0;
        });

        var migrate = new Command("migrate", "Apply the database migrations this build has and the database lacks (for deployments that set Storage:MigrateOnStart=false).");
        migrate.SetAction(async (parse, ct) =>
        {
            var applied = await MigrateAsync(StorageOf(parse), ct);
            await output.WriteLineAsync(applied.Count == 0 ? "The database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}.");
            return 0;
        });

        var root = new RootCommand("ScimHub: a self-hosted SCIM 2.0 provisioning hub.")
        {
            AppCommands.Create(OpenAsync, output, error),
            ProfileCommands.Create(OpenAsync, output, error),
            new Command("directories", "Directories (tenants) of users and groups.") { directoriesList, directoriesCreate },
            new Command("db", "The hub's database.") { migrate },
            ReportCommands.Create(OpenAsync, output),
            new Command("admin", "The admin REST API (/api) and the admin audit log.") { AdminCommands.Create(OpenAsync, output, error), AdminCommands.Audit(OpenAsync, output, error) },
        };
        root.Options.Add(dataFolder);
        root.Options.Add(provider);
        root.Options.Add(connectionString);
        root.Options.Add(baseUrl);

        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await root.Parse(args).InvokeAsync(configuration);
        }
        catch (InvalidInputException exception)
        {
            await error.WriteLineAsync($"scimhub: --{Options.Kebab(exception.Field)}: {exception.Message}");
            return 2;
        }
        catch (Exception exception) when (exception is InvalidOperationException or DbException or ArgumentException)
        {
            // Settings or a database the CLI cannot use: say what, without a stack trace.
            await error.WriteLineAsync($"scimhub: {exception.Message}");
            return 2;
        }
    }

    private static async Task<IReadOnlyList<string>> MigrateAsync(StorageOptions storage, CancellationToken cancellationToken)
    {
        using var database = new Database(storage);
        return await new Migrator(database, TimeProvider.System).MigrateAsync(cancellationToken);
    }
}
