using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using ScimHub.Core;
using ScimHub.Core.Patch;
using ScimHub.Core.Resources;
using ScimHub.Core.Schemas;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Reports;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Groups;

/// <summary>
/// The groups of a directory. Members live one per row in group_members and change member by member: a PATCH that
/// adds one member to a group of 100,000 touches one row. Every change is written with its provisioning events: one for
/// the group itself, one for the members a request added and one for those it removed.
/// </summary>
public sealed class DirectoryGroups(Database database, ListCache lists, EventRecorder events, TimeProvider time)
{
    private const string Table = "groups";

    public async Task<StoredResource> CreateAsync(EventContext context, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        AppFeatures.Require(context.App.Features.CreateGroups, "createGroups", context.App.AppName, "create groups");
        var directoryId = context.DirectoryId;
        var attributes = ResourceReader.Read(body, CoreSchemas.GroupType);
        var memberIds = PatchEngine.MemberIds(attributes["members"]);
        attributes.Remove("members");
        var now = time.GetUtcNow();
        var group = new StoredResource(Guid.CreateVersion7(now).ToString(), attributes, now, now, 1);
        var columns = Columns(directoryId, group);
        var created = EventRecorder.Prepare(context, EventDraft.ForGroup(EventOperations.Create, group.Id, attributes) with { Changes = AttributeChanges.Between(null, attributes) }, now);

        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            await WriteUniqueAsync(() => connection.ExecuteAsync(
                """
                INSERT INTO groups (directory_id, id, display_name, display_name_key, external_id, resource, created, last_modified, version)
                VALUES (@directoryId, @Id, @DisplayName, @DisplayNameKey, @ExternalId, @Resource, @Created, @LastModified, @Version)
                """,
                columns, transaction), attributes);
            var added = await GroupMembership.AddAsync(connection, transaction, database.Dialect, directoryId, group.Id, memberIds);
            await events.RecordAsync(write, context, created);
            await RecordMembersAsync(write, context, group, new MembershipDelta(added, []), now);
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

    public Task<StoredResource> ReplaceAsync(EventContext context, string id, JsonObject body, string? ifMatch, bool includeMembers, CancellationToken cancellationToken)
    {
        var attributes = ResourceReader.Read(body, CoreSchemas.GroupType);
        var memberIds = PatchEngine.MemberIds(attributes["members"]);
        attributes.Remove("members");
        return ChangeAsync(context, id, ifMatch, includeMembers, _ => new PatchResult(attributes, [new MembershipChange(MembershipChangeKind.ReplaceAll, memberIds)]), cancellationToken);
    }

    public Task<StoredResource> PatchAsync(EventContext context, string id, IReadOnlyList<PatchOperation> operations, string? ifMatch, bool includeMembers, CancellationToken cancellationToken) =>
        ChangeAsync(context, id, ifMatch, includeMembers, current => PatchEngine.Apply(current, CoreSchemas.GroupType, operations), cancellationToken);

    public async Task DeleteAsync(EventContext context, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        AppFeatures.Require(context.App.Features.DeleteGroups, "deleteGroups", context.App.AppName, "delete groups");
        var directoryId = context.DirectoryId;
        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            await GroupMembership.LockGroupsOfAsync(connection, transaction, database.Dialect, directoryId, id);
            var current = await FindOrThrowAsync(connection, transaction, directoryId, id);
            Preconditions.CheckIfMatch(ifMatch, current);
            var now = time.GetUtcNow();
            await events.RecordAsync(write, context, EventDraft.ForGroup(EventOperations.Delete, id, current.Attributes), now);
            // Groups that held this group as a member change too, each with its member-remove event.
            await GroupMembership.LeaveAllAsync(write, events, context, new MemberRef(id, (string?)current.Attributes["displayName"]), now);
            await connection.ExecuteAsync("DELETE FROM groups WHERE directory_id = @directoryId AND id = @id", new { directoryId, id }, transaction);
            await write.CommitAsync(cancellationToken);
            lists.Changed(directoryId);
        }
    }

    private async Task<StoredResource> ChangeAsync(EventContext context, string id, string? ifMatch, bool includeMembers, Func<JsonObject, PatchResult> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var directoryId = context.DirectoryId;
        StoredResource result;
        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            var current = await FindOrThrowAsync(connection, transaction, directoryId, id);
            Preconditions.CheckIfMatch(ifMatch, current);
            var (attributes, memberChanges) = change(current.Attributes);
            var delta = new MembershipDelta([], []);
            foreach (var memberChange in memberChanges)
            {
                var applied = await GroupMembership.ApplyAsync(connection, transaction, database.Dialect, directoryId, id, memberChange);
                delta = new MembershipDelta([.. delta.Added, .. applied.Added], [.. delta.Removed, .. applied.Removed]);
            }

            result = current;
            var attributesChanged = !JsonNode.DeepEquals(attributes, current.Attributes);
            if (!delta.IsEmpty || attributesChanged)
            {
                // Members count as an update of the group; a request that changes nothing needs no feature.
                AppFeatures.Require(context.App.Features.UpdateGroups, "updateGroups", context.App.AppName, "update groups");
                result = current with { Attributes = attributes, LastModified = time.GetUtcNow(), Version = current.Version + 1 };
                await WriteUniqueAsync(() => connection.ExecuteAsync(Update.For(current.Attributes, attributes), Columns(directoryId, result), transaction), attributes);
                if (attributesChanged)
                {
                    var renamed = !JsonNode.DeepEquals(attributes["displayName"], current.Attributes["displayName"]);
                    var draft = EventDraft.ForGroup(renamed ? EventOperations.Rename : EventOperations.Update, id, attributes, current.Attributes) with
                    {
                        Changes = AttributeChanges.Between(current.Attributes, attributes),
                    };
                    await events.RecordAsync(write, context, draft, result.LastModified);
                }

                await RecordMembersAsync(write, context, result, delta, result.LastModified);
            }
            else
            {
                // An unchanged group (Entra re-adding members it already has) is not written: its version stays.
                var operation = memberChanges.Count > 0 && memberChanges.All(c => c.Kind == MembershipChangeKind.Add) ? EventOperations.MemberAdd : EventOperations.Update;
                await events.RecordAsync(write, context, EventDraft.ForGroup(operation, id, current.Attributes).Unchanged(), time.GetUtcNow());
            }

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

    private static readonly ChangedColumnsUpdate Update = new(
        Table,
        [("displayName", "display_name = @DisplayName, display_name_key = @DisplayNameKey"), ("externalId", "external_id = @ExternalId")],
        "resource = @Resource, last_modified = @LastModified, version = @Version");

    private async Task RecordMembersAsync(WriteTransaction write, EventContext context, StoredResource group, MembershipDelta delta, DateTimeOffset at)
    {
        if (delta.Added.Count > 0)
        {
            await events.RecordAsync(write, context, EventDraft.ForMembers(EventOperations.MemberAdd, group.Id, group.Attributes, delta.Added), at);
        }

        if (delta.Removed.Count > 0)
        {
            await events.RecordAsync(write, context, EventDraft.ForMembers(EventOperations.MemberRemove, group.Id, group.Attributes, delta.Removed), at);
        }
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
