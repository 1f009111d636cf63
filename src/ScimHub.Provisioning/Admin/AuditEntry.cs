namespace ScimHub.Provisioning.Admin;

/// <summary>One thing an admin did to the hub's configuration: what, to which target, when, in which directory.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset OccurredAt, string? DirectoryId, string Action, string Target, string Detail);
