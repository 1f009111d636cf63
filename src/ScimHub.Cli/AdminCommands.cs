using System.CommandLine;

namespace ScimHub.Cli;

/// <summary><c>scimhub admin keys …</c>: keys of the admin REST API.</summary>
internal static class AdminCommands
{
    public static Command Create(Func<ParseResult, CancellationToken, Task<Hub>> openAsync, TextWriter output, TextWriter error)
    {
        var name = new Option<string>("--name") { Description = "Who or what uses the key, e.g. \"ops dashboard\".", Required = true };
        var create = new Command("create", "Create an admin API key; it is shown once.") { name };
        create.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var (key, secret) = await hub.AdminKeys.CreateAsync(parse.GetValue(name)!, ct);
            await output.WriteLineAsync($"Created admin key \"{key.Name}\" ({key.Id}).");
            await output.WriteLineAsync($"Admin key:     {secret}");
            await output.WriteLineAsync("The key is shown only now. Send it as 'Authorization: Bearer <key>' to /api.");
            return 0;
        });

        var list = new Command("list", "List the admin API keys (not the keys themselves).");
        list.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            var keys = await hub.AdminKeys.ListAsync(ct);
            if (keys.Count == 0)
            {
                await output.WriteLineAsync("No admin keys yet. Create one: scimhub admin keys create --name \"ops\"");
                return 0;
            }

            await output.WriteLineAsync($"{"ID",-32}  {"NAME",-28}  {"CREATED (UTC)",-19}  STATE");
            foreach (var key in keys)
            {
                await output.WriteLineAsync($"{key.Id,-32}  {key.Name,-28}  {key.Created.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {(key.Revoked is { } r ? $"revoked {r.UtcDateTime:yyyy-MM-dd HH:mm}" : "active")}");
            }

            return 0;
        });

        var id = new Option<string>("--id") { Description = "The key's id (see admin keys list).", Required = true };
        var revoke = new Command("revoke", "Revoke an admin API key; it stops working at once.") { id };
        revoke.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            if (!await hub.AdminKeys.RevokeAsync(parse.GetValue(id)!, ct))
            {
                await error.WriteLineAsync($"No active admin key with id '{parse.GetValue(id)}'. See: scimhub admin keys list");
                return 2;
            }

            await output.WriteLineAsync($"Revoked admin key {parse.GetValue(id)}.");
            return 0;
        });

        return new Command("keys", "Admin API keys.") { create, list, revoke };
    }

    /// <summary><c>scimhub admin audit</c>: what admins changed, newest first.</summary>
    public static Command Audit(Func<ParseResult, CancellationToken, Task<Hub>> openAsync, TextWriter output, TextWriter error)
    {
        var directory = new Option<string?>("--directory") { Description = "Only this directory (id or name)." };
        var since = new Option<string?>("--since") { Description = "Only entries this recent, e.g. 24h or 7d." };
        var limit = new Option<int>("--limit") { Description = "At most this many entries (1-1000).", DefaultValueFactory = _ => 100 };
        var audit = new Command("audit", "The admin audit log: app, feature, credential and profile changes, newest first.") { directory, since, limit };
        audit.SetAction(async (parse, ct) =>
        {
            var hub = await openAsync(parse, ct);
            string? directoryId = null;
            if (parse.GetValue(directory) is { } wanted)
            {
                if (await hub.Directories.FindAsync(wanted, ct) is not { } found)
                {
                    await error.WriteLineAsync($"No directory '{wanted}'. See: scimhub directories list");
                    return 2;
                }

                directoryId = found.Id;
            }

            var from = parse.GetValue(since) is { } text ? TimeProvider.System.GetUtcNow() - Provisioning.Reports.ReportQuery.Duration(text, "since") : (DateTimeOffset?)null;
            foreach (var entry in await hub.Audit.ListAsync(directoryId, from, parse.GetValue(limit), ct))
            {
                await output.WriteLineAsync($"{entry.OccurredAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {entry.Action,-26}  {entry.Target,-32}  {entry.Detail}");
            }

            return 0;
        });
        return audit;
    }
}
