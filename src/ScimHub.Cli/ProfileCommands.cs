using System.CommandLine;
using ScimHub.Provisioning.Directories;
using ScimHub.Provisioning.Profiles;

namespace ScimHub.Cli;

/// <summary><c>scimhub profile …</c>: the custom profile attributes of a directory.</summary>
internal static class ProfileCommands
{
    public static Command Create(Func<ParseResult, CancellationToken, Task<Hub>> openAsync, TextWriter output, TextWriter error)
    {
        var directory = new Option<string?>("--directory") { Description = "Directory (id or name); default: the first directory." };

        async Task<(Hub Hub, HubDirectory? Directory)> DirectoryAsync(ParseResult parse, CancellationToken ct)
        {
            var hub = await openAsync(parse, ct);
            var found = parse.GetValue(directory) is { } wanted ? await hub.Directories.FindAsync(wanted, ct) : await hub.Directories.EnsureDefaultAsync(ct);
            if (found is null)
            {
                await error.WriteLineAsync($"No directory '{parse.GetValue(directory)}'. See: scimhub directories list");
            }

            return (hub, found);
        }

        var list = new Command("list", "List the directory's custom profile attributes.") { directory };
        list.SetAction(async (parse, ct) =>
        {
            var (hub, found) = await DirectoryAsync(parse, ct);
            if (found is null)
            {
                return 2;
            }

            var attributes = await hub.Profiles.ListAsync(found.Id, ct);
            if (attributes.Count == 0)
            {
                await output.WriteLineAsync($"Directory \"{found.Name}\" has no custom attributes. Add one: scimhub profile add --name costCenter --type string");
                return 0;
            }

            await output.WriteLineAsync($"{"NAME",-24}  {"TYPE",-9}  {"MULTI",-5}  {"REQUIRED",-8}  {"CASE-EXACT",-10}  DESCRIPTION");
            foreach (var a in attributes)
            {
                await output.WriteLineAsync($"{a.Name,-24}  {a.Type,-9}  {YesNo(a.MultiValued),-5}  {YesNo(a.Required),-8}  {YesNo(a.CaseExact),-10}  {a.Description}");
            }

            await output.WriteLineAsync($"Over SCIM: {Core.ScimConstants.ProfileExtensionSchema}:<name>");
            return 0;
        });

        var name = new Option<string>("--name") { Description = "The attribute's name, e.g. costCenter.", Required = true };
        var type = new Option<string>("--type") { Description = $"One of {string.Join(", ", ProfileAttributeDefinition.Types)}.", Required = true };
        var multi = new Option<bool>("--multi-valued") { Description = "The attribute holds a list of values." };
        var required = new Option<bool>("--required") { Description = "Every user created must carry it (creates only)." };
        var caseExact = new Option<bool>("--case-exact") { Description = "Filters compare its text case-sensitively." };
        var description = new Option<string?>("--description") { Description = "What the attribute is for." };
        var add = new Command("add", "Add a custom profile attribute; providers can write and filter it over SCIM at once.") { directory, name, type, multi, required, caseExact, description };
        add.SetAction(async (parse, ct) =>
        {
            var (hub, found) = await DirectoryAsync(parse, ct);
            if (found is null)
            {
                return 2;
            }

            var added = await hub.Profiles.AddAsync(found.Id, new ProfileAttributeDefinition(
                parse.GetValue(name)!, parse.GetValue(type)!, parse.GetValue(multi), parse.GetValue(required), parse.GetValue(caseExact), parse.GetValue(description) ?? ""), ct);
            await output.WriteLineAsync($"Added {added.Type} attribute '{added.Name}' to directory \"{found.Name}\".");
            await output.WriteLineAsync($"SCIM path:     {Core.ScimConstants.ProfileExtensionSchema}:{added.Name}");
            return 0;
        });

        var confirm = new Option<bool>("--confirm") { Description = "Also remove the values users hold for it (an audit entry records it)." };
        var removeName = new Option<string>("--name") { Description = "The attribute to remove.", Required = true };
        var remove = new Command("remove", "Remove a custom profile attribute; when users hold values for it, --confirm is needed and removes them too.") { directory, removeName, confirm };
        remove.SetAction(async (parse, ct) =>
        {
            var (hub, found) = await DirectoryAsync(parse, ct);
            if (found is null)
            {
                return 2;
            }

            var removal = await hub.Profiles.RemoveAsync(found.Id, parse.GetValue(removeName)!, parse.GetValue(confirm), ct);
            if (removal is null)
            {
                await error.WriteLineAsync($"Directory \"{found.Name}\" has no custom attribute '{parse.GetValue(removeName)}'. See: scimhub profile list");
                return 2;
            }

            if (!removal.Removed)
            {
                await error.WriteLineAsync($"{removal.UsersWithValues} user(s) hold values for '{parse.GetValue(removeName)}'. Removing it removes them too: add --confirm.");
                return 2;
            }

            await output.WriteLineAsync($"Removed '{parse.GetValue(removeName)}' from directory \"{found.Name}\" and its values from {removal.UsersWithValues} user(s).");
            return 0;
        });

        return new Command("profile", "The user profile of a directory: custom attributes beyond the default ones.") { list, add, remove };
    }

    private static string YesNo(bool value) => value ? "yes" : "no";
}
