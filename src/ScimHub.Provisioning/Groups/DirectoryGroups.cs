using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using ScimHub.Core;
using ScimHub.Core.Patch;
using ScimHub.Core.Resources;
using ScimHub.Core.Schemas;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Groups;

/// <summary>
/// The groups of a directory. Members live one per row in group_members and change member by member: a PATCH that
/// adds one member to a group of 100,000 touches one row.
/// </summary>
public sealed class DirectoryGroups(Database database, ListCache lists, TimeProvider time)
{
    private const string Table = "groups";

    public async Task<StoredResource> CreateAsync(string directoryId, JsonObject body, CancellationToken cancellationToken)
    {
        var attributes = ResourceReader.Read(body, CoreSchemas.GroupType);
        var memberIds = PatchEngine.MemberIds(attributes["members"]);
        attributes.Remove("members");
        var now = time.GetUtcNow();
        var group = new StoredResource(Guid.CreateVersion7(now).ToString(), attributes, now, now, 1);

        await using (var write = await database.BeginAsync(cancellationToken))

        {

            var (connection, transaction) = (write.Connection, write.Transaction);
            await WriteUniqueAsync(() => connection.ExecuteAsync(
                """
                INSERT INTO groups (directory_id, id, display_name, display_name_key, external_id, resource, created, last_modified, version)
                VALUES (@directoryId, @Id, @DisplayName, @DisplayNameKey, @ExternalId, @Resource, @Created, @LastModified, @Version)
                """,
                Columns(directoryId, group), transaction), attributes);
            await GroupMembership.AddAsync(connection, transaction, database.Dialect, directoryId, group.Id, memberIds);
            await write.CommitAsync(cancellationToken);
            lists.Changed(directoryId);
        }

        return group;
    }

    public async Task<StoredResource?> GetAsync(string directoryId, string id, bool includeMembers, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await ResourceRows.FindAsync(connection, database.Dialect, Table, directoryId, id);
        if (row is null)
        {
            return null;
        }

        var group = row.ToStored();
        return includeMembers ? (await WithMembersAsync(connection, directoryId, [group]))[0] : group;
    }

    public async Task<ResourcePage> ListAsync(string directoryId, ListQuery query, bool includeMembers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(cancellationToken);
        var (total, rows) = await ResourceRows.ListAsync(connection, database.Dialect, ResourceTable.Groups, Table, directoryId, query, lists);
        var groups = rows.Select(r => r.ToStored()).ToList();
        return new ResourcePage(total, query.StartIndex, includeMembers && groups.Count > 0 ? await WithMembersAsync(connection, directoryId, groups) : groups);
    }

    public Task<StoredResource> ReplaceAsync(string directoryId, string id, JsonObject body, string? ifMatch, bool includeMembers, CancellationToken cancellationToken)
    {
        var attributes = ResourceReader.Read(body, CoreSchemas.GroupType);
        var memberIds = PatchEngine.MemberIds(attributes["members"]);
        attributes.Remove("members");
        return ChangeAsync(directoryId, id, ifMatch, includeMembers, _ => new PatchResult(attributes, [new MembershipChange(MembershipChangeKind.ReplaceAll, memberIds)]), cancellationToken);
    }

    public Task<StoredResource> PatchAsync(string directoryId, string id, IReadOnlyList<PatchOperation> operations, string? ifMatch, bool includeMembers, CancellationToken cancellationToken) =>
        ChangeAsync(directoryId, id, ifMatch, includeMembers, current => PatchEngine.Apply(current, CoreSchemas.GroupType, operations), cancellationToken);

    public async Task DeleteAsync(string directoryId, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            await GroupMembership.LockGroupsOfAsync(connection, transaction, database.Dialect, directoryId, id);
            var current = await FindOrThrowAsync(connection, transaction, directoryId, id);
            Preconditions.CheckIfMatch(ifMatch, current);
            var args = new { directoryId, id, now = Timestamps.Format(time.GetUtcNow()) };
            // Groups that held this group as a member change too.
            await connection.ExecuteAsync(
                """
                UPDATE groups SET version = version + 1, last_modified = @now
                WHERE directory_id = @directoryId AND id IN (SELECT group_id FROM group_members WHERE directory_id = @directoryId AND member_id = @id)
                """, args, transaction);
            await connection.ExecuteAsync("DELETE FROM group_members WHERE directory_id = @directoryId AND member_id = @id", args, transaction);
            await connection.ExecuteAsync("DELETE FROM groups WHERE directory_id = @directoryId AND id = @id", args, transaction);
            await write.CommitAsync(cancellationToken);
            lists.Changed(directoryId);
        }
    }

    private async Task<StoredResource> ChangeAsync(string directoryId, string id, string? ifMatch, bool includeMembers, Func<JsonObject, PatchResult> change, CancellationToken cancellationToken)
    {
        StoredResource result;
        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            var current = await FindOrThrowAsync(connection, transaction, directoryId, id);
            Preconditions.CheckIfMatch(ifMatch, current);
            var (attributes, memberChanges) = change(current.Attributes);
            var changedRows = 0;
            foreach (var memberChange in memberChanges)
            {
                changedRows += await GroupMembership.ApplyAsync(connection, transaction, database.Dialect, directoryId, id, memberChange);
            }

            result = current;
            if (changedRows > 0 || !JsonNode.DeepEquals(attributes, current.Attributes))
            {
                result = current with { Attributes = attributes, LastModified = time.GetUtcNow(), Version = current.Version + 1 };
                await WriteUniqueAsync(() => connection.ExecuteAsync(
                    """
                    UPDATE groups SET display_name = @DisplayName, display_name_key = @DisplayNameKey, external_id = @ExternalId,
                        resource = @Resource, last_modified = @LastModified, version = @Version
                    WHERE directory_id = @directoryId AND id = @Id
                    """,
                    Columns(directoryId, result), transaction), attributes);
            }

            // An unchanged group (Entra re-adding members it already has) is not written: its version stays.
            await write.CommitAsync(cancellationToken);
            lists.Changed(directoryId);
        }

        if (!includeMembers)
        {
            return result;
        }

        await using var read = await database.OpenAsync(cancellationToken);
        return (await WithMembersAsync(read, directoryId, [result]))[0];
    }

    private Task<StoredResource> FindOrThrowAsync(DbConnection connection, DbTransaction transaction, string directoryId, string id) =>
        ResourceRows.FindOrThrowAsync(connection, database.Dialect, Table, "Group", directoryId, id, transaction);

    private Task WriteUniqueAsync(Func<Task<int>> write, JsonObject attributes) =>
        ResourceRows.WriteUniqueAsync(database.Dialect, write, $"A group with displayName '{attributes["displayName"]}' already exists in this directory.");

    private static object Columns(string directoryId, StoredResource group)
    {
        var a = group.Attributes;
        var displayName = IndexedValues.Check(a["displayName"]!.GetValue<string>(), "displayName")!;
        return new
        {
            directoryId,
            group.Id,
            DisplayName = displayName,
            DisplayNameKey = displayName.ToLowerInvariant(),
            ExternalId = IndexedValues.Check((string?)a["externalId"], "externalId"),
            Resource = a.ToJsonString(ScimJsonOptions.Output),
            Created = Timestamps.Format(group.Created),
            LastModified = Timestamps.Format(group.LastModified),
            group.Version,
        };
    }

    private async Task<IReadOnlyList<StoredResource>> WithMembersAsync(DbConnection connection, string directoryId, IReadOnlyList<StoredResource> groups)
    {
        var members = await GroupMembership.ListAsync(connection, database.Dialect, directoryId, groups.Select(g => g.Id).ToList());
        return groups.Select(group =>
        {
            var copy = (JsonObject)group.Attributes.DeepClone();
            copy["members"] = new JsonArray(members[group.Id].Select(m =>
            {
                var member = new JsonObject { ["value"] = m.MemberId };
                if (m.Display is not null)
                {
                    member["display"] = m.Display;
                }

                member["type"] = m.MemberType;
                return (JsonNode)member;
            }).ToArray());
            return group with { Attributes = copy };
        }).ToList();
    }
}
