using System.Security.Cryptography;
using Dapper;
using ScimHub.Provisioning.Admin;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Apps;

/// <summary>
/// OAuth 2.0 client credentials of apps (RFC 6749 §4.4): clients an admin creates (id + secret, shown once, stored as
/// SHA-256), and the exchange of a client's credentials for a short-lived access token at the app's token endpoint.
/// Microsoft's gallery rules for SCIM apps accept only this grant (access tokens of 1 to 6 hours). An access token is
/// an app token that expires and names its client, so the SCIM endpoint checks it like any other bearer token, and
/// revoking the client revokes its access tokens.
/// </summary>
public sealed class OAuthClients(Database database, TimeProvider time)
{
    public static readonly TimeSpan DefaultAccessTokenLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinAccessTokenLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxAccessTokenLifetime = TimeSpan.FromHours(6);

    private const string ClientPrefix = "scimhub_client_";
    private const string SecretPrefix = "scimhub_secret_";
    private const string AccessTokenPrefix = "scimhub_at_";

    /// <summary>One answer for every bad credential, so that a caller learns nothing about which part was wrong.</summary>
    private static readonly OAuthGrant InvalidClient =
        OAuthGrant.Refused("invalid_client", "Client authentication failed: unknown client, wrong secret, revoked or expired, or a client of another app.");

    /// <summary>Expired access tokens are kept this long (an admin can still see them), then deleted when the client gets a new one.</summary>
    private static readonly TimeSpan ExpiredTokensKept = TimeSpan.FromDays(1);

    /// <summary>A new client of the app; null when there is no such app.</summary>
    public async Task<(OAuthClient Client, string Secret)?> CreateAsync(string appId, string? name, DateTimeOffset? expires, TimeSpan? accessTokenLifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lifetime = accessTokenLifetime ?? DefaultAccessTokenLifetime;
        if (lifetime < MinAccessTokenLifetime || lifetime > MaxAccessTokenLifetime)
        {
            throw new InvalidInputException("accessTokenLifetime", $"Access tokens live 1 to 6 hours (Microsoft's rule for SCIM apps); got {lifetime}.");
        }

        if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Trim().Length > ProvisioningApps.MaxNameLength))
        {
            throw new InvalidInputException("name", $"A client's name is 1 to {ProvisioningApps.MaxNameLength} characters (or leave it out).");
        }

        if (expires is { } e && e <= now)
        {
            throw new InvalidInputException("expires", $"The expiry must be in the future; got {Timestamps.Format(e)}.");
        }

        var client = new OAuthClient(AppTokens.NewToken(ClientPrefix), name?.Trim(), now, expires, null, null, lifetime);
        var secret = AppTokens.NewToken(SecretPrefix);
        await using var write = await database.BeginAsync(cancellationToken);
        var directoryId = await ProvisioningApps.DirectoryOfAsync(write.Connection, write.Transaction, database.Dialect, appId);
        if (directoryId is null)
        {
            return null;
        }

        await write.Connection.ExecuteAsync(
            """
            INSERT INTO app_oauth_clients (directory_id, app_id, id, name, secret_hash, created, expires, access_token_minutes)
            VALUES (@directoryId, @appId, @Id, @Name, @hash, @created, @expires, @minutes)
            """,
            new
            {
                directoryId,
                appId,
                client.Id,
                client.Name,
                hash = AppTokens.Hash(secret),
                created = Timestamps.Format(now),
                expires = expires is { } x ? Timestamps.Format(x) : null,
                minutes = (int)lifetime.TotalMinutes,
            },
            write.Transaction);
        await AdminAudit.RecordAsync(write.Connection, write.Transaction, now, directoryId, "oauth-client-created", appId,
            $"Client {client.Id} ('{client.Name}'), access tokens {lifetime.TotalHours:0.##} h, secret expires {(expires is { } until ? Timestamps.Format(until) : "never")}.");
        await write.CommitAsync(cancellationToken);
        return (client, secret);
    }

    /// <summary>The app's clients, newest first; null when there is no such app.</summary>
    public async Task<IReadOnlyList<OAuthClient>?> ListAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (await ProvisioningApps.DirectoryOfAsync(connection, null, database.Dialect, appId) is null)
        {
            return null;
        }

        var rows = await connection.QueryAsync<(string Id, string? Name, string Created, string? Expires, string? LastUsed, string? Revoked, long Minutes)>(
            "SELECT id, name, created, expires, last_used, revoked, access_token_minutes FROM app_oauth_clients WHERE app_id = @appId ORDER BY created DESC, id DESC",
            new { appId });
        return rows.Select(r => new OAuthClient(r.Id, r.Name, Timestamps.Parse(r.Created), Time(r.Expires), Time(r.LastUsed), Time(r.Revoked), TimeSpan.FromMinutes(r.Minutes))).ToList();
    }

    /// <summary>
    /// Revokes a client and every access token it was given, at once. Null when there is no such app, false when it
    /// has no active client with that id.
    /// </summary>
    public async Task<bool?> RevokeAsync(string appId, string clientId, CancellationToken cancellationToken)
    {
        var now = Timestamps.Format(time.GetUtcNow());
        await using var write = await database.BeginAsync(cancellationToken);
        var directoryId = await ProvisioningApps.DirectoryOfAsync(write.Connection, write.Transaction, database.Dialect, appId);
        if (directoryId is null)
        {
            return null;
        }

        var revoked = await write.Connection.ExecuteAsync(
            "UPDATE app_oauth_clients SET revoked = @now WHERE directory_id = @directoryId AND app_id = @appId AND id = @clientId AND revoked IS NULL",
            new { directoryId, appId, clientId, now }, write.Transaction);
        await write.Connection.ExecuteAsync(
            "UPDATE app_tokens SET revoked = @now WHERE directory_id = @directoryId AND app_id = @appId AND client_id = @clientId AND revoked IS NULL",
            new { directoryId, appId, clientId, now }, write.Transaction);
        if (revoked > 0)
        {
            await AdminAudit.RecordAsync(write.Connection, write.Transaction, time.GetUtcNow(), directoryId, "oauth-client-revoked", appId, $"Client {clientId} and its access tokens.");
        }

        await write.CommitAsync(cancellationToken);
        return revoked > 0;
    }

    /// <summary>
    /// The client credentials grant: checks the client of <paramref name="appId"/> (active, unexpired, secret
    /// compared in constant time) and issues an access token of the client's lifetime.
    /// </summary>
    public async Task<OAuthGrant> GrantAsync(string appId, string clientId, string clientSecret, CancellationToken cancellationToken)
    {
        var hash = AppTokens.Hash(clientSecret);
        var now = time.GetUtcNow();
        // Checked on a read connection: a flood of wrong secrets never queues for the write slot that provisioning uses.
        (string DirectoryId, string AppId, byte[] Hash, string? Expires, string? Revoked, long Minutes) client;
        await using (var read = await database.OpenAsync(cancellationToken))
        {
            client = await read.QuerySingleOrDefaultAsync<(string, string, byte[], string?, string?, long)>(
                "SELECT directory_id, app_id, secret_hash, expires, revoked, access_token_minutes FROM app_oauth_clients WHERE id = @clientId",
                new { clientId });
        }

        if (client.Hash is null || !CryptographicOperations.FixedTimeEquals(client.Hash, hash) || client.AppId != appId
            || client.Revoked is not null || client.Expires is not null && Timestamps.Parse(client.Expires) <= now)
        {
            return InvalidClient;
        }

        await using var write = await database.BeginAsync(cancellationToken);
        var (connection, transaction) = (write.Connection, write.Transaction);
        // Noting the use locks the client's row while it is still active (PostgreSQL re-checks revoked after waiting):
        // a revocation either commits first and this grant is refused, or waits and then revokes this token too.
        var active = await connection.ExecuteAsync(
            "UPDATE app_oauth_clients SET last_used = @now WHERE directory_id = @DirectoryId AND app_id = @AppId AND id = @clientId AND revoked IS NULL",
            new { client.DirectoryId, client.AppId, clientId, now = Timestamps.Format(now) }, transaction);
        if (active == 0)
        {
            return InvalidClient;
        }

        // An access token never outlives the client's secret.
        var expires = now + TimeSpan.FromMinutes(client.Minutes);
        if (client.Expires is not null && Timestamps.Parse(client.Expires) < expires)
        {
            expires = Timestamps.Parse(client.Expires);
        }

        var token = AppTokens.NewToken(AccessTokenPrefix);
        await connection.ExecuteAsync(
            """
            INSERT INTO app_tokens (directory_id, app_id, id, name, hash, created, expires, client_id)
            VALUES (@DirectoryId, @AppId, @id, @name, @hash, @created, @expires, @clientId)
            """,
            new
            {
                client.DirectoryId,
                client.AppId,
                id = Guid.CreateVersion7(now).ToString("N"),
                name = "OAuth access token",
                hash = AppTokens.Hash(token),
                created = Timestamps.Format(now),
                expires = Timestamps.Format(expires),
                clientId,
            },
            transaction);

        // A provider asks for a token about every hour: the client's long-expired ones go, so the table stays small.
        await connection.ExecuteAsync(
            "DELETE FROM app_tokens WHERE directory_id = @DirectoryId AND app_id = @AppId AND client_id = @clientId AND expires < @before",
            new { client.DirectoryId, client.AppId, clientId, before = Timestamps.Format(now - ExpiredTokensKept) }, transaction);
        await write.CommitAsync(cancellationToken);
        return new OAuthGrant(token, expires - now, null, null);
    }

    private static DateTimeOffset? Time(string? text) => text is null ? null : Timestamps.Parse(text);
}
