namespace ScimHub.Provisioning.Apps;

/// <summary>A bearer token of an app as an admin sees it: never the token itself, which is shown once.</summary>
public sealed record AppToken(string Id, string? Name, DateTimeOffset Created, DateTimeOffset? Expires, DateTimeOffset? LastUsed, DateTimeOffset? Revoked)
{
    /// <summary>active, expired or revoked, at <paramref name="now"/>.</summary>
    public string StateAt(DateTimeOffset now) => Revoked is not null ? "revoked" : Expires <= now ? "expired" : "active";
}
