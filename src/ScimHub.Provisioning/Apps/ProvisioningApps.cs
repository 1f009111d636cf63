using System.Security.Cryptography;
using Dapper;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Apps;

/// <summary>Who a valid bearer token speaks for.</summary>
public sealed record AppIdentity(string AppId, string DirectoryId, string AppName);

/// <summary>Creating, listing and deleting apps, and issuing, revoking and checking their bearer tokens.</summary>
public sealed class ProvisioningApps(Database database, TimeProvider time)
{
    public async Task<(ProvisioningApp App, IssuedToken Token)> CreateAsync(string directoryId, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var now = time.GetUtcNow();
        var app = new ProvisioningApp(Guid.CreateVersion7(now).ToString("N"), directoryId, name.Trim(), now, 1);
        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            var directoryExists = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM directories WHERE id = @directoryId", new { directoryId }, transaction);
            if (directoryExists == 0)
            {
                throw new InvalidOperationException($"Directory '{directoryId}' does not exist.");
            }

            await connection.ExecuteAsync(
                "INSERT INTO apps (directory_id, id, name, created) VALUES (@DirectoryId, @Id, @Name, @created)",
                new { app.DirectoryId, app.Id, app.Name, created = Timestamps.Format(now) }, transaction);
            var token = await IssueAsync(connection, transaction, app.DirectoryId, app.Id);
            await write.CommitAsync(cancellationToken);
            return (app, token);
        }
    }

    public async Task<IReadOnlyList<ProvisioningApp>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Id, string DirectoryId, string Name, string Created, long ActiveTokens)>(
            """
            SELECT a.id, a.directory_id, a.name, a.created,
                   (SELECT COUNT(*) FROM app_tokens t WHERE t.directory_id = a.directory_id AND t.app_id = a.id AND t.revoked IS NULL)
            FROM apps a ORDER BY a.created, a.id
            """);
        return rows.Select(r => new ProvisioningApp(r.Id, r.DirectoryId, r.Name, Timestamps.Parse(r.Created), (int)r.ActiveTokens)).ToList();
    }

    public async Task<ProvisioningApp?> FindAsync(string appId, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(a => a.Id == appId);

    /// <summary>Issues a new token and revokes every earlier one of the app at once.</summary>
    public async Task<IssuedToken?> RotateTokenAsync(string appId, CancellationToken cancellationToken)
    {
        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            var directoryId = await connection.ExecuteScalarAsync<string?>("SELECT directory_id FROM apps WHERE id = @appId", new { appId }, transaction);
            if (directoryId is null)
            {
                return null;
            }

            await RevokeAllAsync(connection, transaction, appId);
            var token = await IssueAsync(connection, transaction, directoryId, appId);
            await write.CommitAsync(cancellationToken);
            return token;
        }
    }

    /// <summary>Revokes every token of the app; returns how many were active, or null when there is no such app.</summary>
    public async Task<int?> RevokeTokensAsync(string appId, CancellationToken cancellationToken)
    {
        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            var exists = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM apps WHERE id = @appId", new { appId }, transaction);
            if (exists == 0)
            {
                return null;
            }

            var revoked = await RevokeAllAsync(connection, transaction, appId);
            await write.CommitAsync(cancellationToken);
            return revoked;
        }
    }

    /// <summary>Deletes the app and its tokens. The directory's users and groups stay: other apps may share them.</summary>
    public async Task<bool> DeleteAsync(string appId, CancellationToken cancellationToken)
    {
        await using var write = await database.BeginAsync(cancellationToken);
        var deleted = await write.Connection.ExecuteAsync("DELETE FROM apps WHERE id = @appId", new { appId }, write.Transaction) > 0;
        await write.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>The app a bearer token belongs to, if the token is active and issued for <paramref name="appId"/>.</summary>
    public async Task<AppIdentity?> AuthenticateAsync(string appId, string token, CancellationToken cancellationToken)
    {
        var hash = AppTokens.Hash(token);
        await using var connection = await database.OpenAsync(cancellationToken);
        var match = await connection.QuerySingleOrDefaultAsync<(string AppId, string DirectoryId, string AppName, byte[] Hash)>(
            """
            SELECT a.id, a.directory_id, a.name, t.hash
            FROM app_tokens t JOIN apps a ON a.directory_id = t.directory_id AND a.id = t.app_id
            WHERE t.hash = @hash AND t.revoked IS NULL
            """,
            new { hash });
        // The look-up is by hash; the final comparison is constant-time, and a token of another app never matches.
        if (match.Hash is null || !CryptographicOperations.FixedTimeEquals(match.Hash, hash) || match.AppId != appId)
        {
            return null;
        }

        return new AppIdentity(match.AppId, match.DirectoryId, match.AppName);
    }

    private async Task<IssuedToken> IssueAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string directoryId, string appId)
    {
        var token = AppTokens.NewToken();
        var tokenId = Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        await connection.ExecuteAsync(
            "INSERT INTO app_tokens (directory_id, app_id, id, hash, created) VALUES (@directoryId, @appId, @tokenId, @hash, @created)",
            new { directoryId, appId, tokenId, hash = AppTokens.Hash(token), created = Timestamps.Format(time.GetUtcNow()) }, transaction);
        return new IssuedToken(tokenId, token);
    }

    private async Task<int> RevokeAllAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string appId) =>
        await connection.ExecuteAsync(
            "UPDATE app_tokens SET revoked = @now WHERE app_id = @appId AND revoked IS NULL",
            new { appId, now = Timestamps.Format(time.GetUtcNow()) }, transaction);
}
