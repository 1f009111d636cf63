using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using ScimHub.Core;
using ScimHub.Core.Errors;
using ScimHub.Core.Patch;
using ScimHub.Core.Resources;
using ScimHub.Core.Schemas;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Groups;
using ScimHub.Provisioning.Profiles;
using ScimHub.Provisioning.Reports;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Users;

/// <summary>
/// The users of a directory: create, read, list, replace, patch and delete, each in one transaction together with
/// its provisioning event.
/// </summary>
public sealed class DirectoryUsers(Database database, ListCache lists, EventRecorder events, DirectoryProfiles profiles, TimeProvider time)
{
    private const string Table = "users";

    public async Task<StoredResource> CreateAsync(EventContext context, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        AppFeatures.Require(context.App.Features.CreateUsers, "createUsers", context.App.AppName, "create users");
        var directoryId = context.DirectoryId;
        var type = await TypeAsync(context, cancellationToken);
        var attributes = ResourceReader.Read(body, type);
        context.App.Mapping.Apply(attributes, type);
        DirectoryProfiles.RequireOnCreate(type, attributes);
        context.App.RequiredAttributes.Check(attributes, context.App.AppName);
        var now = time.GetUtcNow();
        var user = new StoredResource(Guid.CreateVersion7(now).ToString(), attributes, now, now, 1);
        // Everything that does not need the database is done before the write slot is taken: writers queue for it.
        var columns = Columns(directoryId, user);
        var created = EventRecorder.Prepare(context, EventDraft.ForUser(EventOperations.Create, user.Id, attributes) with { Changes = AttributeChanges.Between(null, attributes) }, now);

        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            await WriteUniqueAsync(() => connection.ExecuteAsync(
                """
                INSERT INTO users (directory_id, id, user_name, user_name_key, external_id, display_name, display_name_key, active, resource, created, last_modified, version)
                VALUES (@directoryId, @Id, @UserName, @UserNameKey, @ExternalId, @DisplayName, @DisplayNameKey, @Active, @Resource, @Created, @LastModified, @Version)
                """,
                columns, transaction), attributes);
            await WriteEmailsAsync(connection, transaction, directoryId, user);
            await events.RecordAsync(write, context, created);
            await write.CommitAsync(cancellationToken);
            lists.Changed(directoryId);
        }

        return user with { Attributes = WithGroups(attributes, []) };
    }

    public async Task<StoredResource?> GetAsync(string directoryId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await ResourceRows.FindAsync(connection, database.Dialect, Table, directoryId, id);
        if (row is null)
        {
            return null;
        }

        var groups = await GroupsOfAsync(connection, directoryId, [id]);
        var user = row.ToStored();
        return user with { Attributes = WithGroups(user.Attributes, groups[id]) };
    }

    /// <summary>A page of users; <paramref name="type"/> is the directory's User type (its custom attributes can be filtered on).</summary>
    public async Task<ResourcePage> ListAsync(string directoryId, ResourceType type, ListQuery query, bool includeGroups, CancellationToken cancellationToken)
    {
        var page = await ListJsonAsync(directoryId, type, query, includeGroups, cancellationToken);
        return new ResourcePage(page.TotalResults, page.StartIndex, page.Resources.Select(u => u.Parse()).ToList());
    }

    /// <summary><see cref="ListAsync"/>, the attributes left as stored JSON text (and the groups after them).</summary>
    public async Task<StoredJsonPage> ListJsonAsync(string directoryId, ResourceType type, ListQuery query, bool includeGroups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(cancellationToken);
        var table = ReferenceEquals(type, CoreSchemas.UserType) ? ResourceTable.Users : ResourceTable.Users with { Type = type };
        var (total, rows) = await ResourceRows.ListAsync(connection, database.Dialect, table, Table, directoryId, query, lists);
        var groups = includeGroups && rows.Count > 0 ? await GroupsOfAsync(connection, directoryId, rows.Select(r => r.Id).ToList()) : null;
        var users = rows.Select(r => r.ToJson(groups is null ? [] : GroupsAttribute(groups[r.Id]))).ToList();
        return new StoredJsonPage(total, query.StartIndex, users);
    }

    public async Task<StoredResource> ReplaceAsync(EventContext context, string id, JsonObject body, string? ifMatch, CancellationToken cancellationToken)
    {
        var type = await TypeAsync(context, cancellationToken);
        var attributes = ResourceReader.Read(body, type);
        return await ChangeAsync(context, id, ifMatch, current =>
        {
            // A copy per call: a change may be worked out twice (see ChangeAsync).
            var replacement = attributes.DeepClone().AsObject();
            KeepOtherAppsExtensions(replacement, current, type);
            context.App.Mapping.Apply(replacement, type, current);
            return replacement;
        }, cancellationToken);
    }

    public async Task<StoredResource> PatchAsync(EventContext context, string id, IReadOnlyList<PatchOperation> operations, string? ifMatch, CancellationToken cancellationToken)
    {
        var type = await TypeAsync(context, cancellationToken);
        return await ChangeAsync(context, id, ifMatch, current =>
        {
            var patched = PatchEngine.Apply(current, type, operations).Resource;
            context.App.Mapping.Apply(patched, type, current);
            return patched;
        }, cancellationToken);
    }

    /// <summary>
    /// A PUT replaces what this app sees; extensions only another app sends (its attribute rules' sources, which this
    /// app cannot see) stay as they were.
    /// </summary>
    private static void KeepOtherAppsExtensions(JsonObject replacement, JsonObject current, ResourceType type)
    {
        var kept = current.Where(p => p.Value is JsonObject && p.Key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase)
            && type.FindSchema(p.Key) is null && !replacement.ContainsKey(p.Key)).ToList();
        foreach (var (key, value) in kept)
        {
            replacement[key] = value!.DeepClone();
        }

        if (kept.Count > 0)
        {
            PatchEngine.SyncSchemas(replacement, type);
        }
    }

    /// <summary>The app's view of the directory's User type: its custom attributes, and the extensions its rules read.</summary>
    private async ValueTask<ResourceType> TypeAsync(EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.App.Mapping.Extend(await profiles.UserTypeAsync(context.DirectoryId, context.App.ProfileVersion, cancellationToken));
    }

    /// <summary>
    /// Deletes the user, or, when the app's features say <see cref="UserDeleteAction.Deactivate"/>, sets
    /// <c>active: false</c> instead (a deactivation like any other: the user keeps its groups).
    /// </summary>
    public async Task DeleteAsync(EventContext context, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var features = context.App.Features;
        AppFeatures.Require(features.DeleteUsers, "deleteUsers", context.App.AppName, "delete users");
        if (features.UserDeleteAction == UserDeleteAction.Deactivate)
        {
            await ChangeAsync(context, id, ifMatch, Deactivated, cancellationToken);
            return;
        }

        var directoryId = context.DirectoryId;
        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            await GroupMembership.LockGroupsOfAsync(connection, transaction, database.Dialect, directoryId, id);
            var current = await FindOrThrowAsync(connection, transaction, directoryId, id);
            Preconditions.CheckIfMatch(ifMatch, current);
            var now = time.GetUtcNow();
            await events.RecordAsync(write, context, EventDraft.ForUser(EventOperations.Delete, id, current.Attributes), now);
            // The groups the user leaves change too, each with its member-remove event.
            await GroupMembership.LeaveAllAsync(write, events, context, new MemberRef(id, (string?)current.Attributes["userName"]), now);
            await connection.ExecuteAsync("DELETE FROM users WHERE directory_id = @directoryId AND id = @id", new { directoryId, id }, transaction);
            await write.CommitAsync(cancellationToken);
            lists.Changed(directoryId);
        }
    }

    /// <summary>
    /// Changes one user. The change is worked out before the write slot is taken, from the user as last committed, and
    /// written in the slot only if the row is still at that version (the UPDATE says so itself). Otherwise — the user
    /// changed meanwhile (in a batch not yet committed, or through another node), or the change failed or changed
    /// nothing — the user is read, changed and written again under the write lock, as the answer must be about the
    /// row as it is there. Writers queue for the slot (SQLite has one), so what can be done before it is: the PATCH
    /// itself, the serialised resource and the event's row. A change that changes nothing is not written (its event
    /// says skipped), and the email rows are rewritten only when the emails changed. The user's groups are read after
    /// the write slot is left.
    /// </summary>
    private async Task<StoredResource> ChangeAsync(EventContext context, string id, string? ifMatch, Func<JsonObject, JsonObject> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var directoryId = context.DirectoryId;
        var planned = await PlanChangeAsync(context, id, ifMatch, change, cancellationToken);
        (StoredResource Resource, bool Changed) result;
        await using (var write = await database.BeginAsync(cancellationToken))
        {
            result = planned is not null && await WritePlannedAsync(write, context, planned)
                ? (planned.Result, true)
                : await ChangeLockedAsync(write, context, id, ifMatch, change);
            await write.CommitAsync(cancellationToken);
        }

        if (result.Changed)
        {
            lists.Changed(directoryId);
        }

        await using var read = await database.OpenAsync(cancellationToken);
        var groups = await GroupsOfAsync(read, directoryId, [id]);
        return result.Resource with { Attributes = WithGroups(result.Resource.Attributes, groups[id]) };
    }

    /// <summary>A change worked out from the committed row, to be written if that row is still the one in the slot.</summary>
    private sealed record PlannedChange(StoredResource Result, string Update, object Columns, bool EmailsChanged, EventRow Event);

    /// <summary>
    /// The change worked out from the user as last committed, or null when it must be decided under the write lock:
    /// no such user (yet), a failed precondition or change, or nothing changed — each may differ on the row as it is
    /// in the slot.
    /// </summary>
    private async Task<PlannedChange?> PlanChangeAsync(EventContext context, string id, string? ifMatch, Func<JsonObject, JsonObject> change, CancellationToken cancellationToken)
    {
        var directoryId = context.DirectoryId;
        ResourceRows.Row? row;
        await using (var read = await database.OpenAsync(cancellationToken))
        {
            row = await ResourceRows.FindAsync(read, database.Dialect, Table, directoryId, id);
        }

        if (row is null)
        {
            return null;
        }

        try
        {
            var current = row.ToStored();
            Preconditions.CheckIfMatch(ifMatch, current);
            var attributes = change(current.Attributes);
            if (JsonNode.DeepEquals(attributes, current.Attributes))
            {
                return null;
            }

            var (result, draft) = Changed(context, current, attributes);
            return new PlannedChange(result, Update.IfUnchangedSince(current.Attributes, attributes), Columns(directoryId, result),
                !JsonNode.DeepEquals(attributes["emails"], current.Attributes["emails"]), EventRecorder.Prepare(context, draft, result.LastModified));
        }
        catch (ScimException)
        {
            return null;
        }
    }

    /// <summary>Writes a planned change if the user is still at the version it was worked out from; false if not.</summary>
    private async Task<bool> WritePlannedAsync(WriteTransaction write, EventContext context, PlannedChange planned)
    {
        var (connection, transaction) = (write.Connection, write.Transaction);
        var updated = 0;
        await WriteUniqueAsync(async () => updated = await connection.ExecuteAsync(planned.Update, planned.Columns, transaction), planned.Result.Attributes);
        if (updated == 0)
        {
            return false;
        }

        if (planned.EmailsChanged)
        {
            await ReplaceEmailsAsync(connection, transaction, context.DirectoryId, planned.Result);
        }

        await events.RecordAsync(write, context, planned.Event);
        return true;
    }

    /// <summary>Reads, changes and writes one user under the write lock (the row as it is in the slot).</summary>
    private async Task<(StoredResource Resource, bool Changed)> ChangeLockedAsync(WriteTransaction write, EventContext context, string id, string? ifMatch, Func<JsonObject, JsonObject> change)
    {
        var directoryId = context.DirectoryId;
        var (connection, transaction) = (write.Connection, write.Transaction);
        var current = await FindOrThrowAsync(connection, transaction, directoryId, id);
        Preconditions.CheckIfMatch(ifMatch, current);
        var attributes = change(current.Attributes);
        if (JsonNode.DeepEquals(attributes, current.Attributes))
        {
            await events.RecordAsync(write, context, EventDraft.ForUser(EventOperations.Update, id, current.Attributes).Unchanged(), time.GetUtcNow());
            return (current, false);
        }

        var (result, draft) = Changed(context, current, attributes);
        await WriteUniqueAsync(() => connection.ExecuteAsync(Update.For(current.Attributes, attributes), Columns(directoryId, result), transaction), attributes);
        if (!JsonNode.DeepEquals(attributes["emails"], current.Attributes["emails"]))
        {
            await ReplaceEmailsAsync(connection, transaction, directoryId, result);
        }

        await events.RecordAsync(write, context, draft, result.LastModified);
        return (result, true);
    }

    /// <summary>
    /// The user <paramref name="current"/> becomes with <paramref name="attributes"/> (the next version), and the event
    /// that says so; the app's features must allow the change. Both ways of writing a change (planned, or locked) use it.
    /// </summary>
    private (StoredResource Result, EventDraft Event) Changed(EventContext context, StoredResource current, JsonObject attributes)
    {
        RequireUpdateFeatures(context.App, current.Attributes, attributes);
        var result = current with { Attributes = attributes, LastModified = time.GetUtcNow(), Version = current.Version + 1 };
        var draft = EventDraft.ForUser(OperationOf(current.Attributes, attributes), current.Id, attributes, current.Attributes) with
        {
            Changes = AttributeChanges.Between(current.Attributes, attributes),
        };
        return (result, draft);
    }

    private static async Task ReplaceEmailsAsync(DbConnection connection, DbTransaction transaction, string directoryId, StoredResource user)
    {
        await connection.ExecuteAsync("DELETE FROM user_emails WHERE directory_id = @directoryId AND user_id = @id", new { directoryId, id = user.Id }, transaction);
        await WriteEmailsAsync(connection, transaction, directoryId, user);
    }

    private static readonly ChangedColumnsUpdate Update = new(
        Table,
        [
            ("userName", "user_name = @UserName, user_name_key = @UserNameKey"),
            ("externalId", "external_id = @ExternalId"),
            ("displayName", "display_name = @DisplayName, display_name_key = @DisplayNameKey"),
        ],
        "active = @Active, resource = @Resource, last_modified = @LastModified, version = @Version");

    private static JsonObject Deactivated(JsonObject user)
    {
        var copy = user.DeepClone().AsObject();
        copy["active"] = false;
        return copy;
    }

    /// <summary>
    /// A change needs <c>deactivateUsers</c> when it deactivates the user and <c>updateUsers</c> when it changes
    /// anything else (reactivating included); both when it does both.
    /// </summary>
    private static void RequireUpdateFeatures(AppIdentity app, JsonObject before, JsonObject after)
    {
        var features = app.Features;
        if (features.UpdateUsers && features.DeactivateUsers)
        {
            return;
        }

        var operation = OperationOf(before, after);
        if (operation == EventOperations.Deactivate)
        {
            AppFeatures.Require(features.DeactivateUsers, "deactivateUsers", app.AppName, "deactivate users");
            if (!features.UpdateUsers && !JsonNode.DeepEquals(WithoutActive(before), WithoutActive(after)))
            {
                AppFeatures.Require(false, "updateUsers", app.AppName, "update users");
            }

            return;
        }

        AppFeatures.Require(features.UpdateUsers, "updateUsers", app.AppName, operation == EventOperations.Reactivate ? "reactivate users" : "update users");
    }

    private static JsonObject WithoutActive(JsonObject user)
    {
        var copy = user.DeepClone().AsObject();
        copy.Remove("active");
        return copy;
    }

    /// <summary>deactivate or reactivate when <c>active</c> flips (absent counts as active), else update.</summary>
    private static string OperationOf(JsonObject before, JsonObject after)
    {
        static bool IsActive(JsonObject user) => user["active"] is not JsonValue value || value.GetValue<bool>();
        return (IsActive(before), IsActive(after)) switch
        {
            (true, false) => EventOperations.Deactivate,
            (false, true) => EventOperations.Reactivate,
            _ => EventOperations.Update,
        };
    }

    private Task<StoredResource> FindOrThrowAsync(DbConnection connection, DbTransaction transaction, string directoryId, string id) =>
        ResourceRows.FindOrThrowAsync(connection, database.Dialect, Table, "User", directoryId, id, transaction);

    private Task WriteUniqueAsync(Func<Task<int>> write, JsonObject attributes) =>
        ResourceRows.WriteUniqueAsync(database.Dialect, write, $"A user with userName '{attributes["userName"]}' already exists in this directory.");

    private static object Columns(string directoryId, StoredResource user)
    {
        var a = user.Attributes;
        var userName = IndexedValues.Check(a["userName"]!.GetValue<string>(), "userName")!;
        var displayName = IndexedValues.Check((string?)a["displayName"], "displayName");
        return new
        {
            directoryId,
            user.Id,
            UserName = userName,
            UserNameKey = userName.ToLowerInvariant(),
            ExternalId = IndexedValues.Check((string?)a["externalId"], "externalId"),
            DisplayName = displayName,
            DisplayNameKey = displayName?.ToLowerInvariant(),
            Active = a["active"] is JsonValue active ? (active.GetValue<bool>() ? 1 : 0) : (int?)null,
            Resource = a.ToJsonString(ScimJsonOptions.Output),
            Created = Timestamps.Format(user.Created),
            LastModified = Timestamps.Format(user.LastModified),
            user.Version,
        };
    }

    private static Task WriteEmailsAsync(DbConnection connection, DbTransaction transaction, string directoryId, StoredResource user)
    {
        if (user.Attributes["emails"] is not JsonArray emails)
        {
            return Task.CompletedTask;
        }

        var rows = emails.OfType<JsonObject>().Select(e => new
        {
            directoryId,
            userId = user.Id,
            value = IndexedValues.Check((string?)e["value"], "emails.value"),
            valueKey = ((string?)e["value"])?.ToLowerInvariant(),
            typeKey = ((string?)e["type"])?.ToLowerInvariant(),
            display = (string?)e["display"],
            isPrimary = e["primary"] is JsonValue p ? (p.GetValue<bool>() ? 1 : 0) : (int?)null,
        });
        return connection.ExecuteAsync(
            "INSERT INTO user_emails (directory_id, user_id, value, value_key, type_key, display, is_primary) VALUES (@directoryId, @userId, @value, @valueKey, @typeKey, @display, @isPrimary)",
            rows, transaction);
    }

    private sealed record GroupRef(string MemberId, string Id, string Display);

    private async Task<ILookup<string, GroupRef>> GroupsOfAsync(DbConnection connection, string directoryId, List<string> userIds)
    {
        // One user (a look-up, a read, a change) is compared directly, without a list passed as JSON.
        var one = userIds.Count == 1;
        var refs = await connection.QueryAsync<GroupRef>(
            one ? groupsOfOne : groupsOfMany,
            one ? new { directoryId, userId = userIds[0] } : (object)new { directoryId, userIds = database.Dialect.ListParameter(userIds) });
        return refs.ToLookup(r => r.MemberId);
    }

    // The two texts of GroupsOfAsync, made once (every look-up and read of a user runs one).
    private readonly string groupsOfOne = GroupsOfSql("m.member_id = @userId");
    private readonly string groupsOfMany = GroupsOfSql($"m.member_id IN ({database.Dialect.ListValues("@userIds")})");

    private static string GroupsOfSql(string members) =>
        $"""
        SELECT m.member_id AS MemberId, g.id AS Id, g.display_name AS Display
        FROM group_members m JOIN groups g ON g.directory_id = m.directory_id AND g.id = m.group_id
        WHERE m.directory_id = @directoryId AND {members}
        ORDER BY g.display_name_key
        """;

    /// <summary>Adds the read-only, derived <c>groups</c> attribute (RFC 7643 §4.1.2).</summary>
    private static JsonObject WithGroups(JsonObject attributes, IEnumerable<GroupRef> groups)
    {
        var derived = GroupsAttribute(groups);
        if (derived.Length == 0)
        {
            return attributes;
        }

        var copy = (JsonObject)attributes.DeepClone();
        copy["groups"] = derived[0].Value;
        return copy;
    }

    /// <summary>The <c>groups</c> attribute, or nothing for a user in no group.</summary>
    private static KeyValuePair<string, JsonNode?>[] GroupsAttribute(IEnumerable<GroupRef> groups)
    {
        var list = groups.Select(g => (JsonNode)new JsonObject { ["value"] = g.Id, ["display"] = g.Display, ["type"] = "direct" }).ToArray();
        return list.Length == 0 ? [] : [new("groups", new JsonArray(list))];
    }
}
