namespace ScimHub.Provisioning.Profiles;

/// <summary>
/// What removing a custom attribute did: <see cref="Removed"/> false when users hold values and the removal was not
/// confirmed (nothing changed; <see cref="UsersWithValues"/> says how many); else how many users lost their values.
/// </summary>
public sealed record ProfileRemoval(bool Removed, long UsersWithValues);
