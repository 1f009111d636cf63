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
}
