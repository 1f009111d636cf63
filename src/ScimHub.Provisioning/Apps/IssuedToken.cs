namespace ScimHub.Provisioning.Apps;

/// <summary>A newly issued bearer token. <see cref="Token"/> is shown once and never stored.</summary>
public sealed record IssuedToken(string TokenId, string Token, DateTimeOffset? Expires);
