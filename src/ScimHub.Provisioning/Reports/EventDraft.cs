using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core;

namespace ScimHub.Provisioning.Reports;

/// <summary>A member of a group as an event names it: hub id and, when known, userName or group name.</summary>
public sealed record MemberRef(string Id, string? Display);

/// <summary>
/// A provisioning event before it is written: what the use case knows (operation, outcome, resource, changes) plus
/// the identifiers a search by end-user identifier will find it under.
/// </summary>
public sealed record EventDraft(string Operation, string Outcome, string ResourceType, string? ResourceId)
{
    /// <summary>Members listed in one event's changes; all of them are still searchable through its identifiers.</summary>
    public const int MaxListedMembers = 100;

    private const int MaxIdentifierLength = 256;

    /// <summary>userName of a user, displayName of a group.</summary>
    public string? Subject { get; init; }

    public string? Email { get; init; }

    public string? ExternalId { get; init; }

    /// <summary>The changes as JSON text (an array of <c>{attribute, old, new}</c>), as the event stores them; null for none.</summary>
    public string? Changes { get; init; }

    public int? ErrorStatus { get; init; }

    public string? ErrorScimType { get; init; }

    public string? ErrorDetail { get; init; }

    /// <summary>Lower-cased search keys: hub id, userName (old and new), emails, externalId; group name; members' hub ids.</summary>
    public IReadOnlyCollection<string> Identifiers { get; init; } = [];

    /// <summary>A user event; <paramref name="before"/> is the previous version (its identifiers stay searchable after a rename).</summary>
    public static EventDraft ForUser(string operation, string? id, JsonObject? attributes, JsonObject? before = null, string outcome = EventOutcomes.Success)
    {
        var emails = Strings(attributes?["emails"], "value");
        return new EventDraft(operation, outcome, ScimConstants.UserResource, id)
        {
            Subject = Text(attributes?["userName"]),
            Email = PreferredEmail(attributes?["emails"]),
            ExternalId = Text(attributes?["externalId"]),
            Identifiers = Keys([id, Text(attributes?["userName"]), Text(before?["userName"]), Text(attributes?["externalId"]), Text(before?["externalId"]),
                .. emails, .. Strings(before?["emails"], "value")]),
        };
    }

    public static EventDraft ForGroup(string operation, string? id, JsonObject? attributes, JsonObject? before = null, string outcome = EventOutcomes.Success) =>
        new(operation, outcome, ScimConstants.GroupResource, id)
        {
            Subject = Text(attributes?["displayName"]),
            ExternalId = Text(attributes?["externalId"]),
            Identifiers = Keys([id, Text(attributes?["displayName"]), Text(before?["displayName"]), Text(attributes?["externalId"])]),
        };

    /// <summary>
    /// Members added to or removed from a group: one event per change of a request. Its identifiers are the members'
    /// hub ids (a search by userName reaches them through the user's own events, see ProvisioningReports).
    /// </summary>
    public static EventDraft ForMembers(string operation, string groupId, JsonObject group, IReadOnlyList<MemberRef> members)
    {
        var listed = new JsonArray(members.Take(MaxListedMembers).Select(m =>
        {
            var member = new JsonObject { ["value"] = m.Id };
            if (m.Display is not null)
            {
                member["display"] = m.Display;
            }

            return (JsonNode)member;
        }).ToArray());
        var change = new JsonObject { ["attribute"] = "members", [operation == EventOperations.MemberAdd ? "new" : "old"] = listed };
        if (members.Count > MaxListedMembers)
        {
            change["count"] = members.Count;
        }

        var groupEvent = ForGroup(operation, groupId, group);
        return groupEvent with
        {
            Changes = new JsonArray(change).ToJsonString(ScimJsonOptions.Output),
            Identifiers = Keys([.. groupEvent.Identifiers, .. members.Select(m => m.Id)]),
        };
    }

    public EventDraft Failed(int status, string? scimType, string detail) =>
        this with { Outcome = EventOutcomes.Failure, ErrorStatus = status, ErrorScimType = scimType, ErrorDetail = detail };

    public EventDraft Skipped(string reason) => this with { Outcome = EventOutcomes.Skipped, ErrorDetail = reason };

    /// <summary>Skipped because the request leaves the resource as it was (providers resend what they already sent).</summary>
    public EventDraft Unchanged() => Skipped("Nothing changed: the request matches what the hub already holds.");

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static IEnumerable<string?> Strings(JsonNode? node, string subAttribute) =>
        node is JsonArray array ? array.OfType<JsonObject>().Select(e => Text(e[subAttribute])) : [];

    /// <summary>The primary email, else the work email, else the first.</summary>
    private static string? PreferredEmail(JsonNode? emails)
    {
        if (emails is not JsonArray array)
        {
            return null;
        }

        var all = array.OfType<JsonObject>().ToList();
        var preferred = all.FirstOrDefault(e => e["primary"] is JsonValue p && p.GetValueKind() == JsonValueKind.True)
            ?? all.FirstOrDefault(e => string.Equals(Text(e["type"]), "work", StringComparison.OrdinalIgnoreCase))
            ?? all.FirstOrDefault();
        return Text(preferred?["value"]);
    }

    /// <summary>An identifier as it is stored and searched: trimmed, lower-cased, at most 256 characters.</summary>
    public static string Key(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Truncated(value.Trim().ToLowerInvariant());
    }

    private static string[] Keys(IEnumerable<string?> values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => Key(v!))
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Long keys are cut (a prefix search still finds them), never inside a surrogate pair.</summary>
    private static string Truncated(string key)
    {
        if (key.Length <= MaxIdentifierLength)
        {
            return key;
        }

        var length = char.IsHighSurrogate(key[MaxIdentifierLength - 1]) ? MaxIdentifierLength - 1 : MaxIdentifierLength;
        return key[..length];
    }
}
