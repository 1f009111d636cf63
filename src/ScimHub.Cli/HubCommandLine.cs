using System.CommandLine;
using System.Data.Common;
using ScimHub.Provisioning.Reports;
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
        var name = new Option<string>("--name") { Description = "Name of the app, e.g. \"Microsoft Entra ID\".", Required = true };
        var directory = new Option<string?>("--directory") { Description = "Directory (id or name) the app provisions into; default: the first directory." };
        var appId = new Option<string>("--app") { Description = "The app's id (see apps list).", Required = true };

        StorageOptions StorageOf(ParseResult parse) =>
            new() { Provider = parse.GetValue(provider), DataFolder = parse.GetValue(dataFolder)!, ConnectionString = parse.GetValue(connectionString) };
        Task<Hub> OpenAsync(ParseResult parse, CancellationToken ct) => Hub.StartAsync(StorageOf(parse), parse.GetValue(baseUrl)!, ct);

        var create = new Command("create", "Create an app; prints its SCIM base URL and bearer token (shown once).") { name, directory };
        create.SetAction(async (parse, ct) =>
        {
            var hub = await OpenAsync(parse, ct);
            var target = parse.GetValue(directory) is { } wanted
                ? await hub.Directories.FindAsync(wanted, ct)
                : await hub.Directories.EnsureDefaultAsync(ct);
            if (target is null)
            {
                await error.WriteLineAsync($"No directory '{parse.GetValue(directory)}'. See: scimhub directories list");
                return 2;
            }

            var (app, token) = await hub.Apps.CreateAsync(target.Id, parse.GetValue(name)!, ct);
            await output.WriteLineAsync($"Created app \"{app.Name}\" in directory \"{target.Name}\".");
            await output.WriteLineAsync($"App id:        {app.Id}");
            await output.WriteLineAsync($"SCIM Base URL: {hub.ScimBaseUrl(app.Id)}");
            await output.WriteLineAsync($"Bearer token:  {token.Token}");
            await output.WriteLineAsync("The token is shown only now: paste it into the provider's Secret Token field.");
            return 0;
        });

        var list = new Command("list", "List the apps with their SCIM base URLs.");
        list.SetAction(async (parse, ct) =>
        {
            var hub = await OpenAsync(parse, ct);
            var apps = await hub.Apps.ListAsync(ct);
            var directories = (await hub.Directories.ListAsync(ct)).ToDictionary(d => d.Id, d => d.Name);
            if (apps.Count == 0)
            {
                await output.WriteLineAsync("No apps yet. Create one: scimhub apps create --name \"Microsoft Entra ID\"");
                return 0;
            }

            await output.WriteLineAsync($"{"ID",-32}  {"NAME",-28}  {"DIRECTORY",-12}  {"TOKENS",6}  SCIM BASE URL");
            foreach (var app in apps)
            {
                await output.WriteLineAsync($"{app.Id,-32}  {app.Name,-28}  {directories.GetValueOrDefault(app.DirectoryId, app.DirectoryId),-12}  {app.ActiveTokens,6}  {hub.ScimBaseUrl(app.Id)}");
            }

            return 0;
        });

        var delete = new Command("delete", "Delete an app and its tokens (the directory's users and groups stay).") { appId };
        delete.SetAction(async (parse, ct) =>
        {
            var hub = await OpenAsync(parse, ct);
            var id = parse.GetValue(appId)!;
            if (!await hub.Apps.DeleteAsync(id, ct))
            {
                return await NoSuchAppAsync(error, id);
            }

            await output.WriteLineAsync($"Deleted app {id}.");
            return 0;
        });

        var rotate = new Command("rotate", "Issue a new bearer token and revoke the app's earlier tokens at once.") { appId };
        rotate.SetAction(async (parse, ct) =>
        {
            var hub = await OpenAsync(parse, ct);
            var id = parse.GetValue(appId)!;
            var token = await hub.Apps.RotateTokenAsync(id, ct);
            if (token is null)
            {
                return await NoSuchAppAsync(error, id);
            }

            await output.WriteLineAsync($"Bearer token:  {token.Token}");
            await output.WriteLineAsync("Earlier tokens of this app no longer work. The new one is shown only now.");
            return 0;
        });

        var revoke = new Command("revoke", "Revoke every token of the app; it stops working at once.") { appId };
        revoke.SetAction(async (parse, ct) =>
        {
            var hub = await OpenAsync(parse, ct);
            var id = parse.GetValue(appId)!;
            var count = await hub.Apps.RevokeTokensAsync(id, ct);
            if (count is null)
            {
                return await NoSuchAppAsync(error, id);
            }

            await output.WriteLineAsync($"Revoked {count} token(s) of app {id}. Issue a new one with: scimhub apps tokens rotate --app {id}");
            return 0;
        });

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
            new Command("apps", "Provisioning apps: identity providers that push users and groups into the hub.")
            {
                create, list, delete,
                new Command("tokens", "Bearer tokens of an app.") { rotate, revoke },
            },
            new Command("directories", "Directories (tenants) of users and groups.") { directoriesList, directoriesCreate },
            new Command("db", "The hub's database.") { migrate },
            ReportCommands.Create(OpenAsync, output),
            new Command("admin", "The admin REST API (/api).") { AdminCommands.Create(OpenAsync, output, error) },
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
        catch (ReportQueryException exception)
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

    private static async Task<int> NoSuchAppAsync(TextWriter error, string id)
    {
        await error.WriteLineAsync($"No app with id '{id}'. See: scimhub apps list");
        return 2;
    }
}
