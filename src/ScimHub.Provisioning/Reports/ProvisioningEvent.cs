namespace ScimHub.Provisioning.Reports;

/// <summary>
/// One line of the Provisioning Report: what happened to which resource, for which app, with what outcome, and the
/// attributes that changed. <see cref="CorrelationId"/> is shared by every event one request caused.
/// <see cref="Changes"/> is a JSON array of <c>{attribute, old, new}</c>, kept as the JSON text stored (see
/// <see cref="JsonText"/>).
/// </summary>
public sealed record ProvisioningEvent(
    long Id,
    DateTimeOffset OccurredAt,
    string DirectoryId,
    string AppId,
    string AppName,
    string Direction,
    string Operation,
    string Outcome,
    string ResourceType,
    string? ResourceId,
    string? Subject,
    string? Email,
    string? ExternalId,
    JsonText? Changes,
    int? ErrorStatus,
    string? ErrorScimType,
    string? ErrorDetail,
    string CorrelationId);

/// <summary>Where a change came from: an identity provider pushing to the hub, the hub pushing out, or an import.</summary>
public static class EventDirections
{
    public const string Inbound = "inbound";
    public const string Outbound = "outbound";
    public const string Import = "import";

    public static readonly IReadOnlyList<string> All = [Inbound, Outbound, Import];
}

/// <summary>What a provisioning event did.</summary>
public static class EventOperations
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Deactivate = "deactivate";
    public const string Reactivate = "reactivate";
    public const string Delete = "delete";
    public const string Rename = "rename";
    public const string MemberAdd = "member-add";
    public const string MemberRemove = "member-remove";

    public static readonly IReadOnlyList<string> All = [Create, Update, Deactivate, Reactivate, Delete, Rename, MemberAdd, MemberRemove];
}

/// <summary>How a provisioning event ended.</summary>
public static class EventOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";

    /// <summary>Nothing was written: nothing changed, or the app may not make this change.</summary>
    public const string Skipped = "skipped";

    /// <summary>An outbound push that failed and will be tried again.</summary>
    public const string Retrying = "retrying";

    public static readonly IReadOnlyList<string> All = [Success, Failure, Skipped, Retrying];
}
