namespace ScimHub.Provisioning.Apps;

/// <summary>An OAuth 2.0 client of an app as an admin sees it: never its secret, which is shown once.</summary>
public sealed record OAuthClient(string Id, string? Name, DateTimeOffset Created, DateTimeOffset? Expires, DateTimeOffset? LastUsed, DateTimeOffset? Revoked, TimeSpan AccessTokenLifetime)
{
    /// <summary>active, expired or revoked, at <paramref name="now"/>.</summary>
    public string StateAt(DateTimeOffset now) => Revoked is not null ? "revoked" : Expires <= now ? "expired" : "active";
}
