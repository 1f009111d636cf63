using System.Data.Common;
using Dapper;
using ScimHub.Core.Errors;
using ScimHub.Core.Patch;
using ScimHub.Provisioning.Reports;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Groups;

/// <summary>Member-by-member writes to group_members: idempotent adds, removals by id, never a rewrite of the whole list.</summary>
/// <summary>Who a membership change added and removed.</summary>
internal sealed record MembershipDelta(IReadOnlyList<MemberRef> Added, IReadOnlyList<MemberRef> Removed)
{
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0;
}

internal static class GroupMembership
{
    /// <summary>One member as listed; a class with setters, because SQLite reports no column type for an all-NULL COALESCE.</summary>
    public sealed class Member
    {
        public string GroupId { get; set; } = "";

        public string MemberId { get; set; } = "";

        public string MemberType { get; set; } = "";

        public string? Display { get; set; }
    }

    /// <summary>Applies one change; returns the members it added and removed (none when it was a no-op).</summary>
    public static async Task<MembershipDelta> ApplyAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, string directoryId, string groupId, MembershipChange change)
    {
        switch (change.Kind)
        {
            case MembershipChangeKind.Add:
                return new MembershipDelta(await AddAsync(connection, transaction, dialect, directoryId, groupId, change.MemberIds), []);
            case MembershipChangeKind.Remove:
                return new MembershipDelta([], await RemoveAsync(connection, transaction, dialect,
                    $"DELETE FROM group_members WHERE directory_id = @directoryId AND group_id = @groupId AND member_id IN ({dialect.ListValues("@ids")}) RETURNING member_id",
                    new { directoryId, groupId, ids = dialect.ListParameter(change.MemberIds.Distinct()) }, directoryId));
            case MembershipChangeKind.RemoveAll:
                return new MembershipDelta([], await RemoveAsync(connection, transaction, dialect,
                    "DELETE FROM group_members WHERE directory_id = @directoryId AND group_id = @groupId RETURNING member_id", new { directoryId, groupId }, directoryId));
            default:
                // Replace: remove who is not in the new list, add who is missing; the same list again changes nothing.
                var removed = await RemoveAsync(connection, transaction, dialect,
                    $"DELETE FROM group_members WHERE directory_id = @directoryId AND group_id = @groupId AND member_id NOT IN ({dialect.ListValues("@ids")}) RETURNING member_id",
                    new { directoryId, groupId, ids = dialect.ListParameter(change.MemberIds.Distinct()) }, directoryId);
                return new MembershipDelta(await AddAsync(connection, transaction, dialect, directoryId, groupId, change.MemberIds), removed);
        }
    }

    /// <summary>
    /// Adds members that exist in the directory and returns those that were not members yet; re-adding a member is a
    /// no-op. An unknown id is a 400 and nothing is added.
    /// </summary>
    public static async Task<IReadOnlyList<MemberRef>> AddAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, string directoryId, string groupId, IReadOnlyList<string> memberIds)
    {
        var ids = memberIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Contains(groupId))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, "A group cannot be a member of itself.");
        }

        if (ids.Count == 0)
        {
            return [];
        }

        // FOR KEY SHARE (PostgreSQL): a member found here cannot be deleted by another node before this transaction
        // commits; the delete waits, then removes the new membership with the member.
        var found = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (table, type, name) in MemberTables)
        {
            found[type] = (await connection.QueryAsync<(string Id, string Name)>(
                $"SELECT id, {name} FROM {table} WHERE directory_id = @directoryId AND id IN ({dialect.ListValues("@ids")}){dialect.ForKeyShare}",
                new { directoryId, ids = dialect.ListParameter(ids) }, transaction)).ToDictionary(r => r.Id, r => r.Name, StringComparer.Ordinal);
        }

        var missing = ids.Where(id => !found.Values.Any(f => f.ContainsKey(id))).ToList();
        if (missing.Count > 0)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue,
                $"{missing.Count} member(s) are not users or groups of this directory: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : "")}.");
        }

        // One statement per member type, however many members: re-adding a member is a no-op (ON CONFLICT).
        var added = new List<MemberRef>();
        foreach (var (type, members) in found.Where(f => f.Value.Count > 0))
        {
            var inserted = await connection.QueryAsync<string>(
                $"""
                INSERT INTO group_members (directory_id, group_id, member_id, member_type)
                SELECT @directoryId, @groupId, m.value, @type FROM ({dialect.ListValues("@members")}) AS m WHERE true
                ON CONFLICT (directory_id, group_id, member_id) DO NOTHING
                RETURNING member_id
                """,
                new { directoryId, groupId, type, members = dialect.ListParameter(members.Keys) }, transaction);
            added.AddRange(inserted.Select(id => new MemberRef(id, members[id])));
        }

        return added;
    }

    private static readonly (string Table, string Type, string Name)[] MemberTables = [("users", "User", "user_name"), ("groups", "Group", "display_name")];

    /// <summary>Runs a DELETE … RETURNING member_id and names the removed members (userName or group name).</summary>
    private static async Task<IReadOnlyList<MemberRef>> RemoveAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, string sql, object args, string directoryId)
    {
        var removed = (await connection.QueryAsync<string>(sql, args, transaction)).ToList();
        if (removed.Count == 0)
        {
            return [];
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (table, _, name) in MemberTables)
        {
            foreach (var (id, display) in await connection.QueryAsync<(string Id, string Name)>(
                $"SELECT id, {name} FROM {table} WHERE directory_id = @directoryId AND id IN ({dialect.ListValues("@ids")})",
                new { directoryId, ids = dialect.ListParameter(removed) }, transaction))
            {
                names[id] = display;
            }
        }

        return removed.Select(id => new MemberRef(id, names.GetValueOrDefault(id))).ToList();
    }

    /// <summary>A group a deleted member left: its id and what its events name it by.</summary>
    private sealed record LeftGroup(string Id, string DisplayName, string? ExternalId)
    {
        public System.Text.Json.Nodes.JsonObject Attributes => new() { ["displayName"] = DisplayName, ["externalId"] = ExternalId };
    }

    /// <summary>
    /// Removes a member that is being deleted from every group it belongs to: those groups change (version, time),
    /// and each gets a member-remove event naming <paramref name="member"/>.
    /// </summary>
    public static async Task LeaveAllAsync(WriteTransaction write, EventRecorder events, EventContext context, MemberRef member, DateTimeOffset now)
    {
        var (connection, transaction) = (write.Connection, write.Transaction);
        var args = new { context.DirectoryId, memberId = member.Id, now = Timestamps.Format(now) };
        var left = (await connection.QueryAsync<LeftGroup>(
            """
            SELECT id AS Id, display_name AS DisplayName, external_id AS ExternalId FROM groups
            WHERE directory_id = @DirectoryId AND id IN (SELECT group_id FROM group_members WHERE directory_id = @DirectoryId AND member_id = @memberId)
            ORDER BY display_name_key
            """, args, transaction)).ToList();
        if (left.Count == 0)
        {
            return;
        }

        await connection.ExecuteAsync(
            """
            UPDATE groups SET version = version + 1, last_modified = @now
            WHERE directory_id = @DirectoryId AND id IN (SELECT group_id FROM group_members WHERE directory_id = @DirectoryId AND member_id = @memberId)
            """, args, transaction);
        await connection.ExecuteAsync("DELETE FROM group_members WHERE directory_id = @DirectoryId AND member_id = @memberId", args, transaction);
        foreach (var group in left)
        {
            await events.RecordAsync(write, context, EventDraft.ForMembers(EventOperations.MemberRemove, group.Id, group.Attributes, [member]), now);
        }
    }

    /// <summary>
    /// Before a user or group is deleted: locks the groups it belongs to (PostgreSQL), in the order a membership
    /// PATCH takes its locks (group first, then member), so that a delete racing a re-add waits instead of deadlocking.
    /// </summary>
    public static Task LockGroupsOfAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, string directoryId, string memberId) =>
        dialect.ForUpdate.Length == 0
            ? Task.CompletedTask
            : connection.QueryAsync<string>(
                $"""
                SELECT g.id FROM groups g
                WHERE g.directory_id = @directoryId AND g.id IN (SELECT group_id FROM group_members WHERE directory_id = @directoryId AND member_id = @memberId)
                ORDER BY g.id{dialect.ForUpdate}
                """,
                new { directoryId, memberId }, transaction);

    /// <summary>The members of a page of groups, in one query.</summary>
    public static async Task<ILookup<string, Member>> ListAsync(DbConnection connection, SqlDialect dialect, string directoryId, IReadOnlyList<string> groupIds)
    {
        var members = await connection.QueryAsync<Member>(
            $"""
            SELECT m.group_id AS GroupId, m.member_id AS MemberId, m.member_type AS MemberType, COALESCE(u.display_name, u.user_name, g.display_name) AS Display
            FROM group_members m
            LEFT JOIN users u ON m.member_type = 'User' AND u.directory_id = m.directory_id AND u.id = m.member_id
            LEFT JOIN groups g ON m.member_type = 'Group' AND g.directory_id = m.directory_id AND g.id = m.member_id
            WHERE m.directory_id = @directoryId AND m.group_id IN ({dialect.ListValues("@groupIds")})
            ORDER BY m.group_id, m.member_id
            """,
            new { directoryId, groupIds = dialect.ListParameter(groupIds) });
        return members.ToLookup(m => m.GroupId, StringComparer.Ordinal);
    }
}
