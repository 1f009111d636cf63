using System.Security.Cryptography;
using Dapper;
using ScimHub.Provisioning.Apps;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Admin;

/// <summary>An admin API key as listed (the key itself is shown once, at creation, and never stored).</summary>
public sealed record AdminKey(string Id, string Name, DateTimeOffset Created, DateTimeOffset? Revoked);

/// <summary>
/// Keys of the admin REST API: 256 random bits like app tokens, stored as SHA-256, compared in constant time,
/// revoked at once. Created from the CLI by someone with access to the hub's database.
/// </summary>
public sealed class AdminKeys(Database database, TimeProvider time)
{
    private const string Prefix = "scimhub_admin_";

    public async Task<(AdminKey Key, string Secret)> CreateAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var now = time.GetUtcNow();
        var key = new AdminKey(Guid.CreateVersion7(now).ToString("N"), name.Trim(), now, null);
        var secret = AppTokens.NewToken(Prefix);
        await using var write = await database.BeginAsync(cancellationToken);
        await write.Connection.ExecuteAsync(
            "INSERT INTO admin_keys (id, name, hash, created) VALUES (@Id, @Name, @hash, @created)",
            new { key.Id, key.Name, hash = AppTokens.Hash(secret), created = Timestamps.Format(now) }, write.Transaction);
        await AdminAudit.RecordAsync(write.Connection, write.Transaction, now, null, "admin-key-created", key.Id, $"Admin key '{key.Name}'.");
        await write.CommitAsync(cancellationToken);
        return (key, secret);
    }

    public async Task<IReadOnlyList<AdminKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Id, string Name, string Created, string? Revoked)>("SELECT id, name, created, revoked FROM admin_keys ORDER BY created, id");
        return rows.Select(r => new AdminKey(r.Id, r.Name, Timestamps.Parse(r.Created), r.Revoked is null ? null : Timestamps.Parse(r.Revoked))).ToList();
    }

    /// <summary>Revokes a key; false when there is no active key with that id.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        await using var write = await database.BeginAsync(cancellationToken);
        var revoked = await write.Connection.ExecuteAsync(
            "UPDATE admin_keys SET revoked = @now WHERE id = @id AND revoked IS NULL", new { id, now = Timestamps.Format(time.GetUtcNow()) }, write.Transaction);
        if (revoked > 0)
        {
            await AdminAudit.RecordAsync(write.Connection, write.Transaction, time.GetUtcNow(), null, "admin-key-revoked", id, "Admin key revoked.");
        }

        await write.CommitAsync(cancellationToken);
        return revoked > 0;
    }

    /// <summary>The active key a secret belongs to, or null.</summary>
    public async Task<AdminKey?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = AppTokens.Hash(secret);
        await using var connection = await database.OpenAsync(cancellationToken);
        var match = await connection.QuerySingleOrDefaultAsync<(string Id, string Name, string Created, byte[] Hash)>(
            "SELECT id, name, created, hash FROM admin_keys WHERE hash = @hash AND revoked IS NULL", new { hash });
        return match.Hash is null || !CryptographicOperations.FixedTimeEquals(match.Hash, hash)
            ? null
            : new AdminKey(match.Id, match.Name, Timestamps.Parse(match.Created), null);
    }
}
