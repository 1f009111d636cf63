using System.CommandLine;
using ScimHub.Provisioning;
using ScimHub.Provisioning.Apps;

namespace ScimHub.Cli;

/// <summary><c>scimhub apps …</c>: provisioning apps, their features and their bearer tokens.</summary>
internal static class AppCommands
{
    public static Command Create(Func<ParseResult, CancellationToken, Task<Hub>> openAsync, TextWriter output, TextWriter error)
    {
        var name = new Option<string>("--name") { Description = "Name of the app, e.g. \"Microsoft Entra ID\".", Required = true };
        var directory = new Option<string?>("--directory") { Description = "Directory (id or name) the app provisions into; default: the first directory." };
        var appId = new Option<string>("--app") { Description = "The app's id (see apps list).", Required = true };

        var template = new Option<string?>("--template")
        {
            Description = $"What the app is: {string.Join(", ", AppTemplates.All.Select(t => t.Id))} (default generic). Presets its required attributes; see apps templates.",
        };
        var create = new Command("create", "Create an app; prints its SCIM base URL and bearer token (shown once).") { name, directory, template };
        create.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var target = parse.GetValue(directory) is { } wanted
                ? await hub.Directories.FindAsync(wanted, ct)
                : await hub.Directories.EnsureDefaultAsync(ct);
            if (target is null)
            {
                await error.WriteLineAsync($"No directory '{parse.GetValue(directory)}'. See: scimhub directories list");
                return 2;
            }

            var (app, token) = await hub.Apps.CreateAsync(target.Id, parse.GetValue(name)!, parse.GetValue(template), null, null, ct);
            await output.WriteLineAsync($"Created app \"{app.Name}\" in directory \"{target.Name}\" from the {AppTemplates.Get(app.Template).Name} template.");
            await output.WriteLineAsync($"App id:        {app.Id}");
            await output.WriteLineAsync($"SCIM Base URL: {hub.ScimBaseUrl(app.Id)}");
            await output.WriteLineAsync($"Bearer token:  {token.Token}");
            await output.WriteLineAsync($"Required:      {string.Join(", ", app.RequiredAttributes.Paths)}");
            await output.WriteLineAsync("The token is shown only now: paste it into the provider's Secret Token field.");
            return 0;
        });

        var list = new Command("list", "List the apps with their SCIM base URLs.");
        list.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
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

        var newName = new Option<string>("--name") { Description = "The app's new name.", Required = true };
        var rename = new Command("rename", "Rename an app (its events keep the name they were recorded under).") { appId, newName };
        rename.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var app = await hub.Apps.UpdateAsync(parse.GetValue(appId)!, parse.GetValue(newName), null, null, ct);
            if (app is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            await output.WriteLineAsync($"Renamed app {app.Id} to \"{app.Name}\".");
            return 0;
        });

        var delete = new Command("delete", "Delete an app and its tokens (the directory's users and groups stay).") { appId };
        delete.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var id = parse.GetValue(appId)!;
            if (!await hub.Apps.DeleteAsync(id, ct))
            {
                return await NoSuchAppAsync(error, id);
            }

            await output.WriteLineAsync($"Deleted app {id}.");
            return 0;
        });

        var templates = new Command("templates", "The templates an app can be created from, with their required attributes.");
        templates.SetAction(async (parse, ct) =>
        {
            foreach (var t in AppTemplates.All)
            {
                await output.WriteLineAsync($"{t.Id,-10}  {t.Name}");
                await output.WriteLineAsync($"{"",-10}  required: {string.Join(", ", t.RequiredAttributes)}");
                await output.WriteLineAsync($"{"",-10}  {t.Compatibility}");
            }

            return 0;
        });

        var attributes = new Option<string[]>("--attribute")
        {
            Description = "A required attribute path, e.g. name.familyName or emails[type eq \"work\"].value; repeat for each. Replaces the app's list.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var required = new Command("required", "Set the attributes every user the app creates must carry (a create without one is refused, naming it).") { appId, attributes };
        required.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            ProvisioningApp? app;
            try
            {
                app = await hub.Apps.UpdateAsync(parse.GetValue(appId)!, null, null, parse.GetValue(attributes), ct);
            }
            catch (InvalidInputException exception)
            {
                // The use case names the list's element (requiredAttributes[1]); here it is one of the --attribute options.
                await error.WriteLineAsync($"scimhub: --attribute: {exception.Message}");
                return 2;
            }

            if (app is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            await output.WriteLineAsync($"\"{app.Name}\" requires: {string.Join(", ", app.RequiredAttributes.Paths)}");
            return 0;
        });

        return new Command("apps", "Provisioning apps: identity providers that push users and groups into the hub.")
        {
            create, list, templates, required, rename, delete,
            Features(openAsync, appId, output, error),
            Tokens(openAsync, appId, output, error),
            OAuth(openAsync, appId, output, error),
            Rules(openAsync, appId, output, error),
        };
    }

    public static async Task<int> NoSuchAppAsync(TextWriter error, string id)
    {
        await error.WriteLineAsync($"No app with id '{id}'. See: scimhub apps list");
        return 2;
    }

    private static Command Features(Func<ParseResult, CancellationToken, Task<Hub>> openAsync, Option<string> appId, TextWriter output, TextWriter error)
    {
        var show = new Command("show", "Show which changes the app's identity provider may make.") { appId };
        show.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var app = await hub.Apps.FindAsync(parse.GetValue(appId)!, ct);
            if (app is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            await PrintFeaturesAsync(output, app);
            return 0;
        });

        var switches = new (string Feature, Option<string?> Option)[]
        {
            ("createUsers", Switch("--create-users", "create users")),
            ("updateUsers", Switch("--update-users", "update users (reactivating included)")),
            ("deactivateUsers", Switch("--deactivate-users", "deactivate users (active: false)")),
            ("deleteUsers", Switch("--delete-users", "delete users")),
            ("createGroups", Switch("--create-groups", "create groups")),
            ("updateGroups", Switch("--update-groups", "update groups and their members")),
            ("deleteGroups", Switch("--delete-groups", "delete groups")),
        };
        var deleteAction = new Option<UserDeleteAction?>("--user-delete-action")
        {
            Description = "What an allowed DELETE of a user does: Delete, or Deactivate (keep the user with active: false).",
        };
        var set = new Command("set", "Switch provisioning features on or off; features not named stay as they are.") { appId, deleteAction };
        foreach (var (_, option) in switches)
        {
            set.Options.Add(option);
        }

        set.SetAction(async (parse, ct) =>
        {
            bool? Value(string feature) => parse.GetValue(switches.Single(s => s.Feature == feature).Option) is { } onOff ? onOff == "on" : null;
            var changes = new FeatureChanges
            {
                CreateUsers = Value("createUsers"),
                UpdateUsers = Value("updateUsers"),
                DeactivateUsers = Value("deactivateUsers"),
                DeleteUsers = Value("deleteUsers"),
                UserDeleteAction = parse.GetValue(deleteAction),
                CreateGroups = Value("createGroups"),
                UpdateGroups = Value("updateGroups"),
                DeleteGroups = Value("deleteGroups"),
            };
            var hub = await openAsync(parse, ct);
            var app = await hub.Apps.UpdateAsync(parse.GetValue(appId)!, null, changes, null, ct);
            if (app is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            await PrintFeaturesAsync(output, app);
            return 0;
        });

        return new Command("features", "Provisioning features: which changes an app may make.") { show, set };
    }

    private static Option<string?> Switch(string name, string change)
    {
        var option = new Option<string?>(name) { Description = $"on or off: may the app {change}.", HelpName = "on|off" };
        option.AcceptOnlyFromAmong("on", "off");
        return option;
    }

    private static async Task PrintFeaturesAsync(TextWriter output, ProvisioningApp app)
    {
        static string OnOff(bool on) => on ? "on" : "off";
        var f = app.Features;
        await output.WriteLineAsync($"Provisioning features of \"{app.Name}\" ({app.Id}):");
        await output.WriteLineAsync($"  users:  create {OnOff(f.CreateUsers)}, update {OnOff(f.UpdateUsers)}, deactivate {OnOff(f.DeactivateUsers)}, delete {OnOff(f.DeleteUsers)}"
            + (f.DeleteUsers && f.UserDeleteAction == UserDeleteAction.Deactivate ? " (a DELETE deactivates the user)" : ""));
        await output.WriteLineAsync($"  groups: create {OnOff(f.CreateGroups)}, update {OnOff(f.UpdateGroups)}, delete {OnOff(f.DeleteGroups)}");
    }

    private static Command Tokens(Func<ParseResult, CancellationToken, Task<Hub>> openAsync, Option<string> appId, TextWriter output, TextWriter error)
    {
        var expires = new Option<string?>("--expires")
        {
            Description = "When the new token stops working: a duration (90d, 12w) or an ISO-8601 time (2027-06-30). Default: never.",
        };

        var list = new Command("list", "List the app's tokens: name, created, expiry, last use, state (never the tokens).") { appId };
        list.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var tokens = await hub.Apps.ListTokensAsync(parse.GetValue(appId)!, ct);
            if (tokens is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            var now = TimeProvider.System.GetUtcNow();
            await output.WriteLineAsync($"{"ID",-32}  {"NAME",-28}  {"CREATED (UTC)",-16}  {"EXPIRES (UTC)",-16}  {"LAST USED (UTC)",-16}  STATE");
            foreach (var token in tokens)
            {
                await output.WriteLineAsync(
                    $"{token.Id,-32}  {token.Name ?? "",-28}  {Minute(token.Created),-16}  {(token.Expires is { } e ? Minute(e) : "never"),-16}  {(token.LastUsed is { } u ? Minute(u) : "never"),-16}  {token.StateAt(now)}");
            }

            return 0;
        });

        var tokenName = new Option<string?>("--name") { Description = "A name to tell the token apart, e.g. \"Entra production 2027\"." };
        var create = new Command("create", "Issue one more token; the app's other tokens keep working (overlap during a switch).") { appId, tokenName, expires };
        create.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var expiry = AppTokens.ParseOptionalExpiry(parse.GetValue(expires), TimeProvider.System.GetUtcNow());
            var token = await hub.Apps.IssueTokenAsync(parse.GetValue(appId)!, parse.GetValue(tokenName), expiry, ct);
            if (token is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            await PrintTokenAsync(output, token);
            await output.WriteLineAsync("The app's other tokens keep working; revoke them when the provider uses this one: scimhub apps tokens revoke");
            return 0;
        });

        var overlap = new Option<string?>("--overlap")
        {
            Description = "How long the earlier tokens keep working, e.g. 24h or 7d (at most 30d). Default: they stop at once.",
        };
        var rotate = new Command("rotate", "Issue a new token and retire the app's earlier ones, at once or after --overlap.") { appId, expires, overlap };
        rotate.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var now = TimeProvider.System.GetUtcNow();
            var expiry = AppTokens.ParseOptionalExpiry(parse.GetValue(expires), now);
            var window = parse.GetValue(overlap) is { } o ? Provisioning.Reports.ReportQuery.Duration(o, "overlap") : (TimeSpan?)null;
            var token = await hub.Apps.RotateTokenAsync(parse.GetValue(appId)!, expiry, window, ct);
            if (token is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            await PrintTokenAsync(output, token);
            await output.WriteLineAsync(window is { } w
                ? $"Earlier tokens of this app stop working at {Minute(now + w)} UTC."
                : "Earlier tokens of this app no longer work.");
            return 0;
        });

        var tokenId = new Option<string?>("--token") { Description = "The token's id (see apps tokens list)." };
        var all = new Option<bool>("--all") { Description = "Revoke every token of the app." };
        var revoke = new Command("revoke", "Revoke one token (--token) or all of them (--all); they stop working at once.") { appId, tokenId, all };
        revoke.Validators.Add(result =>
        {
            if ((result.GetValue(tokenId) is null) == !result.GetValue(all))
            {
                result.AddError("Name the token to revoke with --token <id>, or revoke every token with --all.");
            }
        });
        revoke.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var id = parse.GetValue(appId)!;
            if (parse.GetValue(tokenId) is { } one)
            {
                var revoked = await hub.Apps.RevokeTokenAsync(id, one, ct);
                if (revoked is null)
                {
                    return await NoSuchAppAsync(error, id);
                }

                if (revoked == false)
                {
                    await error.WriteLineAsync($"App {id} has no active token with id '{one}'. See: scimhub apps tokens list --app {id}");
                    return 2;
                }

                await output.WriteLineAsync($"Revoked token {one} of app {id}.");
                return 0;
            }

            var count = await hub.Apps.RevokeTokensAsync(id, ct);
            if (count is null)
            {
                return await NoSuchAppAsync(error, id);
            }

            await output.WriteLineAsync($"Revoked {count} token(s) of app {id}. Issue a new one with: scimhub apps tokens create --app {id}");
            return 0;
        });

        return new Command("tokens", "Bearer tokens of an app.") { list, create, rotate, revoke };
    }

    private static Command OAuth(Func<ParseResult, CancellationToken, Task<Hub>> openAsync, Option<string> appId, TextWriter output, TextWriter error)
    {
        var name = new Option<string?>("--name") { Description = "A name to tell the client apart, e.g. \"Entra gallery app\"." };
        var expires = new Option<string?>("--expires") { Description = "When the secret stops working: a duration (2y is 104w) or an ISO-8601 time. Default: never." };
        var lifetime = new Option<string?>("--access-token-lifetime") { Description = "How long each access token works: 1h to 6h (default 1h)." };
        var create = new Command("create", "Create an OAuth 2.0 client (client credentials grant); prints its id, secret (shown once) and token URL.") { appId, name, expires, lifetime };
        create.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var expiry = AppTokens.ParseOptionalExpiry(parse.GetValue(expires), TimeProvider.System.GetUtcNow());
            var tokenLifetime = parse.GetValue(lifetime) is { } l ? Provisioning.Reports.ReportQuery.Duration(l, "accessTokenLifetime") : (TimeSpan?)null;
            var created = await hub.OAuthClients.CreateAsync(parse.GetValue(appId)!, parse.GetValue(name), expiry, tokenLifetime, ct);
            if (created is not var (client, secret))
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            await output.WriteLineAsync($"Client id:     {client.Id}");
            await output.WriteLineAsync($"Client secret: {secret}");
            await output.WriteLineAsync($"Token URL:     {hub.TokenUrl(parse.GetValue(appId)!)}");
            await output.WriteLineAsync($"Access tokens: {client.AccessTokenLifetime.TotalHours:0.##} h; secret expires: {(client.Expires is { } e ? Minute(e) + " UTC" : "never")}");
            await output.WriteLineAsync("The secret is shown only now. The provider posts grant_type=client_credentials with the id and secret to the token URL.");
            return 0;
        });

        var list = new Command("list", "List the app's OAuth clients (never their secrets).") { appId };
        list.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var clients = await hub.OAuthClients.ListAsync(parse.GetValue(appId)!, ct);
            if (clients is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            var now = TimeProvider.System.GetUtcNow();
            await output.WriteLineAsync($"{"CLIENT ID",-58}  {"NAME",-24}  {"EXPIRES (UTC)",-16}  {"LAST USED (UTC)",-16}  {"TOKENS",6}  STATE");
            foreach (var client in clients)
            {
                await output.WriteLineAsync(
                    $"{client.Id,-58}  {client.Name ?? "",-24}  {(client.Expires is { } e ? Minute(e) : "never"),-16}  {(client.LastUsed is { } u ? Minute(u) : "never"),-16}  {client.AccessTokenLifetime.TotalHours,5:0.#}h  {client.StateAt(now)}");
            }

            return 0;
        });

        var clientId = new Option<string>("--client") { Description = "The client's id (see apps oauth list).", Required = true };
        var revoke = new Command("revoke", "Revoke a client and every access token it was given, at once.") { appId, clientId };
        revoke.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var revoked = await hub.OAuthClients.RevokeAsync(parse.GetValue(appId)!, parse.GetValue(clientId)!, ct);
            if (revoked is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            if (revoked == false)
            {
                await error.WriteLineAsync($"App {parse.GetValue(appId)} has no active OAuth client '{parse.GetValue(clientId)}'.");
                return 2;
            }

            await output.WriteLineAsync($"Revoked client {parse.GetValue(clientId)} and its access tokens.");
            return 0;
        });

        return new Command("oauth", "OAuth 2.0 clients of an app (client credentials, as Microsoft's gallery requires).") { create, list, revoke };
    }

    private static readonly System.Text.Json.JsonSerializerOptions RulesJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static Command Rules(Func<ParseResult, CancellationToken, Task<Hub>> openAsync, Option<string> appId, TextWriter output, TextWriter error)
    {
        var show = new Command("show", "Print the app's attribute rules as JSON (the input of apps rules set).") { appId };
        show.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var rules = await hub.Mappings.GetAsync(parse.GetValue(appId)!, ct);
            if (rules is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            await output.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(rules, RulesJson));
            return 0;
        });

        var file = new Option<FileInfo>("--file") { Description = "A JSON list of rules: [{\"source\": \"urn:…:costCenterCode\", \"target\": \"costCenter\", \"transform\": \"upper\"}].", Required = true };
        var set = new Command("set", "Replace the app's attribute rules with those in --file (an empty list removes them).") { appId, file };
        set.SetAction(async (parse, ct) =>
        {
            var rules = await ReadJsonAsync<List<MappingRule>>(parse.GetValue(file)!, "file", ct);
            var hub = await openAsync(parse, ct);
            var saved = await hub.Mappings.SetAsync(parse.GetValue(appId)!, rules, ct);
            if (saved is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            await output.WriteLineAsync($"Saved {saved.Count} rule(s).");
            return 0;
        });

        var user = new Option<FileInfo>("--user") { Description = "A SCIM user as the app would send it (JSON).", Required = true };
        var tryRules = new Option<FileInfo?>("--rules") { Description = "Rules to try instead of the saved ones (JSON list)." };
        var preview = new Command("preview", "Print what a SCIM user the app sends becomes in the directory; nothing is saved.") { appId, user, tryRules };
        preview.SetAction(async (parse, ct) =>
        {
            var resource = await ReadJsonAsync<System.Text.Json.Nodes.JsonObject>(parse.GetValue(user)!, "user", ct);
            var rules = parse.GetValue(tryRules) is { } rulesFile ? await ReadJsonAsync<List<MappingRule>>(rulesFile, "rules", ct) : null;
            var hub = await openAsync(parse, ct);
            var result = await hub.Mappings.PreviewAsync(parse.GetValue(appId)!, resource, rules, ct);
            if (result is null)
            {
                return await NoSuchAppAsync(error, parse.GetValue(appId)!);
            }

            await output.WriteLineAsync(result.ToJsonString(RulesJson));
            return 0;
        });

        return new Command("rules", "Attribute rules: what the app sends → the directory's custom profile attributes.") { show, set, preview };
    }

    private static async Task<T> ReadJsonAsync<T>(FileInfo file, string field, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = file.OpenRead();
            return await System.Text.Json.JsonSerializer.DeserializeAsync<T>(stream, RulesJson, cancellationToken)
                ?? throw new InvalidInputException(field, $"{file.Name} holds null.");
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or IOException)
        {
            throw new InvalidInputException(field, $"{file.Name} could not be read as JSON: {exception.Message}");
        }
    }

    private static async Task PrintTokenAsync(TextWriter output, IssuedToken token)
    {
        await output.WriteLineAsync($"Token id:      {token.TokenId}");
        await output.WriteLineAsync($"Bearer token:  {token.Token}");
        await output.WriteLineAsync($"Expires:       {(token.Expires is { } e ? Minute(e) + " UTC" : "never")}");
        await output.WriteLineAsync("The token is shown only now.");
    }

    private static string Minute(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
