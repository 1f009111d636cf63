namespace ScimHub.Provisioning.Apps;

/// <summary>An inbound provisioning app: an identity provider that pushes users and groups into one directory.</summary>
public sealed record ProvisioningApp(string Id, string DirectoryId, string Name, DateTimeOffset Created, int ActiveTokens);

/// <summary>A newly issued bearer token. <see cref="Token"/> is shown once and never stored.</summary>
public sealed record IssuedToken(string TokenId, string Token);
