using System.Text.Json.Nodes;
using Dapper;
using ScimHub.Core.Resources;
using ScimHub.Provisioning.Admin;
using ScimHub.Provisioning.Profiles;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Apps;

/// <summary>An app's attribute rules: read, replace (checked against the directory's profile), and preview.</summary>
public sealed class AppMappings(Database database, DirectoryProfiles profiles, TimeProvider time)
{
    /// <summary>The app's rules; null when there is no such app.</summary>
    public async Task<IReadOnlyList<MappingRule>?> GetAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var app = await connection.QuerySingleOrDefaultAsync<(string DirectoryId, string? Rules)>(
            "SELECT directory_id, mapping_rules FROM apps WHERE id = @appId", new { appId });
        return app.DirectoryId is null ? null : AttributeMapping.FromJson(app.Rules).Rules;
    }

    /// <summary>Replaces the app's rules (an empty list removes them); a bad rule throws an error naming it and nothing is saved.</summary>
    public async Task<IReadOnlyList<MappingRule>?> SetAsync(string appId, IReadOnlyList<MappingRule> rules, CancellationToken cancellationToken)
    {
        await using var write = await database.BeginAsync(cancellationToken);
        var directoryId = await ProvisioningApps.DirectoryOfAsync(write.Connection, write.Transaction, database.Dialect, appId);
        if (directoryId is null)
        {
            return null;
        }

        var mapping = AttributeMapping.Of(rules, await profiles.UserTypeAsync(directoryId, long.MaxValue, cancellationToken));
        await write.Connection.ExecuteAsync("UPDATE apps SET mapping_rules = @rules WHERE directory_id = @directoryId AND id = @appId",
            new { rules = mapping.ToJson(), directoryId, appId }, write.Transaction);
        await AdminAudit.RecordAsync(write.Connection, write.Transaction, time.GetUtcNow(), directoryId, "app-rules-changed", appId,
            mapping.ToJson() ?? "No rules.");
        await write.CommitAsync(cancellationToken);
        return mapping.Rules;
    }

    /// <summary>
    /// What <paramref name="resource"/>, sent by the app as a create, becomes in the directory under
    /// <paramref name="rules"/> (default: the app's saved rules) — nothing is saved. Null when there is no such app.
    /// </summary>
    public async Task<JsonObject?> PreviewAsync(string appId, JsonObject resource, IReadOnlyList<MappingRule>? rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        (string? DirectoryId, string? Name, string? Rules, string? Required) app;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            app = await connection.QuerySingleOrDefaultAsync<(string?, string?, string?, string?)>(
                "SELECT directory_id, name, mapping_rules, required_attributes FROM apps WHERE id = @appId", new { appId });
        }

        var (directoryId, saved) = (app.DirectoryId, app.Rules);

        if (directoryId is null)
        {
            return null;
        }

        var directoryType = await profiles.UserTypeAsync(directoryId, long.MaxValue, cancellationToken);
        var mapping = rules is null ? AttributeMapping.FromJson(saved) : AttributeMapping.Of(rules, directoryType);
        var appType = mapping.Extend(directoryType);
        try
        {
            // What a create by this app does, short of writing: read, rules, the directory's and the app's required attributes.
            var user = ResourceReader.Read(resource, appType);
            mapping.Apply(user, appType);
            DirectoryProfiles.RequireOnCreate(appType, user);
            RequiredAttributes.FromJson(app.Required).Check(user, app.Name!);
            return user;
        }
        catch (Exception exception) when (exception is Core.Errors.ScimException or InvalidOperationException or ArgumentException)
        {
            // What the provider would be refused for (a bad value, a lone surrogate, a key given twice), in the admin's words.
            throw new InvalidInputException("resource", exception.Message);
        }
    }
}
