using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using ScimHub.Core;
using ScimHub.Core.Errors;
using ScimHub.Core.Paths;
using ScimHub.Core.Resources;
using ScimHub.Core.Schemas;
using ScimHub.Provisioning.Admin;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Profiles;

/// <summary>
/// The user profile of each directory: the default attributes (core User + Enterprise User) and the custom profile
/// attributes an admin defines, served over SCIM as the hub's extension schema. Each node caches a directory's User
/// resource type by the directory's profile version, which every request reads with its token, so a change is seen
/// by every node on its next request.
/// </summary>
public sealed class DirectoryProfiles(Database database, ListCache lists, TimeProvider time)
{
    public const int MaxNameLength = 64;
    public const int MaxAttributes = 200;
    private const int StripBatch = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, (long Version, ResourceType Type)> types = new(StringComparer.Ordinal);

    /// <summary>The directory's User resource type at <paramref name="version"/> (from the token query); cached.</summary>
    public async ValueTask<ResourceType> UserTypeAsync(string directoryId, long version, CancellationToken cancellationToken)
    {
        // A cached type as new as the request's (or newer) will do: a /Bulk of a request that saw an older version does
        // not reload per operation.
        if (types.TryGetValue(directoryId, out var known) && known.Version >= version)
        {
            return known.Type;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var (current, attributes) = await LoadAsync(connection, null, directoryId);
        var loaded = (current, CoreSchemas.UserTypeWith(attributes.Select(a => a.ToDefinition()).ToList()));
        // Two loads racing: the newer version stays.
        return types.AddOrUpdate(directoryId, loaded, (_, cached) => cached.Version >= loaded.current ? cached : loaded).Type;
    }

    /// <summary>A custom attribute marked required must be on every created user (not re-checked on updates, see RequiredAttributes).</summary>
    public static void RequireOnCreate(ResourceType type, JsonObject user)
    {
        if (type.FindSchema(ScimConstants.ProfileExtensionSchema) is not { } profile)
        {
            return;
        }

        var values = ResourceReader.Find(user, profile.Id) as JsonObject;
        foreach (var attribute in profile.Attributes.Where(a => a.Required))
        {
            var value = values is null ? null : ResourceReader.Find(values, attribute.Name);
            if (value is null || value is JsonArray { Count: 0 } || value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String && v.GetValue<string>().Length == 0)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue,
                    $"'{profile.Id}:{attribute.Name}' is a required profile attribute of this directory, and this request has none.");
            }
        }
    }

    /// <summary>The directory's custom attributes, in the order they were added.</summary>
    public async Task<IReadOnlyList<ProfileAttributeDefinition>> ListAsync(string directoryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await LoadAsync(connection, null, directoryId)).Attributes;
    }

    /// <summary>Adds a custom attribute; a bad definition throws an error naming the field, and nothing is saved.</summary>
    public async Task<ProfileAttributeDefinition> AddAsync(string directoryId, ProfileAttributeDefinition attribute, CancellationToken cancellationToken)
    {
        var valid = Validate(attribute);
        await using var write = await database.BeginAsync(cancellationToken);
        var (connection, transaction) = (write.Connection, write.Transaction);
        if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM directories WHERE id = @directoryId", new { directoryId }, transaction) == 0)
        {
            throw new InvalidInputException("directory", $"Directory '{directoryId}' does not exist.");
        }

        var (_, existing) = await LoadAsync(connection, transaction, directoryId);
        if (existing.Any(a => string.Equals(a.Name, valid.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidInputException("name", $"The directory already has a custom attribute '{valid.Name}'.");
        }

        if (existing.Count >= MaxAttributes)
        {
            throw new InvalidInputException("name", $"A directory has at most {MaxAttributes} custom attributes.");
        }

        // Values a user may still hold under this name (written by a request that raced an earlier removal) must not
        // come back under a new definition, perhaps of another type.
        await StripInAsync(connection, transaction, directoryId, valid.Name);
        await ResourceRows.WriteUniqueAsync(database.Dialect, () => connection.ExecuteAsync(
            "INSERT INTO profile_attributes (directory_id, name_key, name, definition, created) VALUES (@directoryId, @key, @Name, @definition, @created)",
            new { directoryId, key = valid.Name.ToLowerInvariant(), valid.Name, definition = JsonSerializer.Serialize(valid, Json), created = Timestamps.Format(time.GetUtcNow()) },
            transaction), $"The directory already has a custom attribute '{valid.Name}'.");
        await BumpAsync(connection, transaction, directoryId);
        await AdminAudit.RecordAsync(connection, transaction, time.GetUtcNow(), directoryId, "profile-attribute-added", valid.Name, JsonSerializer.Serialize(valid, Json));
        await write.CommitAsync(cancellationToken);
        lists.Changed(directoryId);
        return valid;
    }

    /// <summary>
    /// Removes a custom attribute. When users hold values for it, nothing happens unless <paramref name="confirm"/>;
    /// confirmed, the definition goes first (from then on no write can set it), then every user's values, and an
    /// audit entry records what was removed. Null when the directory has no such attribute.
    /// </summary>
    public async Task<ProfileRemoval?> RemoveAsync(string directoryId, string name, bool confirm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        IReadOnlyList<ProfileAttributeDefinition> attributes;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            attributes = (await LoadAsync(connection, null, directoryId)).Attributes;
        }

        var attribute = attributes.FirstOrDefault(a => string.Equals(a.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (attribute is null)
        {
            return null;
        }

        // Holders are found by the key being there at all (an empty string is a value too), whatever its type.
        long count;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            count = await connection.ExecuteScalarAsync<long>(
                $"SELECT COUNT(*) FROM users WHERE directory_id = @directoryId AND {Holds()}", new { directoryId, path = HeldPath(attribute.Name) });
        }

        if (count > 0 && !confirm)
        {
            return new ProfileRemoval(false, count);
        }

        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            await connection.ExecuteAsync(
                "DELETE FROM profile_attributes WHERE directory_id = @directoryId AND name_key = @key", new { directoryId, key = attribute.Name.ToLowerInvariant() }, transaction);
            await BumpAsync(connection, transaction, directoryId);
            await AdminAudit.RecordAsync(connection, transaction, time.GetUtcNow(), directoryId, "profile-attribute-removed", attribute.Name,
                $"Custom attribute '{attribute.Name}' ({JsonSerializer.Serialize(attribute, Json)}) removed; {count} user(s) held values.");
            await write.CommitAsync(cancellationToken);
        }

        // Once the definition is gone the values must go too, even if the admin's client stops waiting.
        long stripped = 0;
        while (true)
        {
            await using var write = await database.BeginAsync(CancellationToken.None);
            var batch = await StripInAsync(write.Connection, write.Transaction, directoryId, attribute.Name);
            await write.CommitAsync(CancellationToken.None);
            stripped += batch;
            if (batch < StripBatch)
            {
                break;
            }
        }

        lists.Changed(directoryId);
        return new ProfileRemoval(true, stripped);
    }

    /// <summary>
    /// Takes the attribute's values out of up to <see cref="StripBatch"/> users that hold them, inside the caller's
    /// transaction (each user's version moves on, so ETags change); returns how many changed.
    /// </summary>
    private async Task<int> StripInAsync(DbConnection connection, DbTransaction transaction, string directoryId, string name)
    {
        var rows = (await connection.QueryAsync<(string Id, string Resource)>(
            $"SELECT id, resource FROM users WHERE directory_id = @directoryId AND {Holds()} LIMIT {StripBatch}{database.Dialect.ForUpdate}",
            new { directoryId, path = HeldPath(name) }, transaction)).ToList();
        var now = Timestamps.Format(time.GetUtcNow());
        foreach (var (id, resource) in rows)
        {
            var changed = Without(JsonNode.Parse(resource)!.AsObject(), name) ?? throw new InvalidOperationException($"User {id} was selected for holding '{name}' but does not.");
            await connection.ExecuteAsync(
                "UPDATE users SET resource = @resource, last_modified = @now, version = version + 1 WHERE directory_id = @directoryId AND id = @id",
                new { resource = changed.ToJsonString(ScimJsonOptions.Output), now, directoryId, id }, transaction);
        }

        return rows.Count;
    }

    /// <summary>SQL that is true when a user's resource has a value at the <c>@path</c> parameter (any type, even "").</summary>
    private string Holds() => $"{database.Dialect.JsonValue("resource", "@path")} IS NOT NULL";

    private object HeldPath(string name) => database.Dialect.JsonPath([ScimConstants.ProfileExtensionSchema, name]);

    /// <summary>The user without the attribute (and without the extension when it held nothing else), or null when it had none.</summary>
    private static JsonObject? Without(JsonObject user, string name)
    {
        var key = user.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, ScimConstants.ProfileExtensionSchema, StringComparison.OrdinalIgnoreCase));
        if (key is null || user[key] is not JsonObject extension)
        {
            return null;
        }

        var attributeKey = extension.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        if (attributeKey is null)
        {
            return null;
        }

        var copy = user.DeepClone().AsObject();
        var copiedExtension = copy[key]!.AsObject();
        copiedExtension.Remove(attributeKey);
        if (copiedExtension.Count == 0)
        {
            copy.Remove(key);
            if (copy["schemas"] is JsonArray schemas && schemas.FirstOrDefault(s => (string?)s == key) is { } listed)
            {
                schemas.Remove(listed);
            }
        }

        return copy;
    }

    private static ProfileAttributeDefinition Validate(ProfileAttributeDefinition attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        var name = attribute.Name?.Trim() ?? "";
        if (name.Length == 0 || name.Length > MaxNameLength || !char.IsAsciiLetter(name[0]) || !AttributePath.IsName(name))
        {
            throw new InvalidInputException("name", $"A custom attribute's name is 1 to {MaxNameLength} letters, digits, '_' or '-', starting with a letter; got '{attribute.Name}'.");
        }

        if (CoreSchemas.User.Find(name) is not null || CoreSchemas.EnterpriseUser.Find(name) is not null)
        {
            throw new InvalidInputException("name", $"'{name}' is a default profile attribute already (core or enterprise User); choose another name.");
        }

        var type = ProfileAttributeDefinition.Types.FirstOrDefault(t => string.Equals(t, attribute.Type?.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidInputException("type", $"'{attribute.Type}' is not an attribute type; use one of {string.Join(", ", ProfileAttributeDefinition.Types)}.");
        if (attribute.Description?.Length > 1000)
        {
            throw new InvalidInputException("description", "A description is at most 1,000 characters.");
        }

        return attribute with { Name = name, Type = type, Description = attribute.Description?.Trim() ?? "" };
    }

    private static async Task<(long Version, IReadOnlyList<ProfileAttributeDefinition> Attributes)> LoadAsync(DbConnection connection, DbTransaction? transaction, string directoryId)
    {
        var version = await connection.ExecuteScalarAsync<long?>("SELECT profile_version FROM directories WHERE id = @directoryId", new { directoryId }, transaction) ?? 0;
        var rows = await connection.QueryAsync<string>(
            "SELECT definition FROM profile_attributes WHERE directory_id = @directoryId ORDER BY created, name_key", new { directoryId }, transaction);
        return (version, rows.Select(r => JsonSerializer.Deserialize<ProfileAttributeDefinition>(r, Json)!).ToList());
    }

    private static Task<int> BumpAsync(DbConnection connection, DbTransaction transaction, string directoryId) =>
        connection.ExecuteAsync("UPDATE directories SET profile_version = profile_version + 1 WHERE id = @directoryId", new { directoryId }, transaction);
}
