namespace ScimHub.Provisioning.Apps;

/// <summary>The outcome of checking a bearer token: the app it speaks for, or why it was refused.</summary>
public sealed record TokenCheck(AppIdentity? App, string? Refusal)
{
    public static TokenCheck Refused(string why) => new(null, why);
}
