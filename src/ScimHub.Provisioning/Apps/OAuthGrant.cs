namespace ScimHub.Provisioning.Apps;

/// <summary>
/// What the token endpoint answers (RFC 6749 §5): an access token and its lifetime, or an error code
/// (<c>invalid_client</c>, …) with a description.
/// </summary>
public sealed record OAuthGrant(string? AccessToken, TimeSpan ExpiresIn, string? Error, string? Description)
{
    public static OAuthGrant Refused(string error, string description) => new(null, TimeSpan.Zero, error, description);
}
