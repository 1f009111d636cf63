namespace ScimHub.Core.Patch;

public enum MembershipChangeKind
{
    Add,
    Remove,
    RemoveAll,
    ReplaceAll,
}

/// <summary>
/// A change to a group's members taken out of a PATCH, to be applied member by member in storage: a group is never
/// loaded or rewritten whole to change its membership.
/// </summary>
public sealed record MembershipChange(MembershipChangeKind Kind, IReadOnlyList<string> MemberIds);
