using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using ScimHub.Core.Errors;
using ScimHub.Provisioning.Admin;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Apps;

/// <summary>
/// Creating, listing, changing and deleting apps (name, provisioning features), and issuing, listing, revoking and
/// checking their bearer tokens. The admin API and the CLI both call these.
/// </summary>
public sealed class ProvisioningApps(Database database, TimeProvider time)
{
    public const int MaxNameLength = 200;

    /// <summary>Longest overlap of a rotation: earlier tokens keep working at most this long.</summary>
    public static readonly TimeSpan MaxOverlap = TimeSpan.FromDays(30);

    /// <summary>A token's last-used time is written at most this often (per token and node), off the hot path.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> lastUsedWritten = new(StringComparer.Ordinal);

    private readonly KnownTokens knownTokens = new();

    public Task<(ProvisioningApp App, IssuedToken Token)> CreateAsync(string directoryId, string name, CancellationToken cancellationToken) =>
        CreateAsync(directoryId, name, null, null, null, cancellationToken);

    /// <summary>
    /// A new app with its first token (no expiry), from a template (default: generic) that presets its required
    /// attributes and features; <paramref name="features"/> and <paramref name="requiredAttributes"/> override them.
    /// </summary>
    public async Task<(ProvisioningApp App, IssuedToken Token)> CreateAsync(
        string directoryId, string name, string? template, FeatureChanges? features, IReadOnlyList<string>? requiredAttributes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var preset = AppTemplates.Get(template ?? AppTemplates.Generic);
        var app = new ProvisioningApp(Guid.CreateVersion7(now).ToString("N"), directoryId, ValidName(name), now, 1)
        {
            Template = preset.Id,
            Features = AppFeatures.AllOn.With(preset.Features).With(features),
            RequiredAttributes = RequiredAttributes.Of(requiredAttributes ?? preset.RequiredAttributes),
        };
        await using var write = await database.BeginAsync(cancellationToken);
        var (connection, transaction) = (write.Connection, write.Transaction);
        var directoryExists = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM directories WHERE id = @directoryId", new { directoryId }, transaction);
        if (directoryExists == 0)
        {
            throw new InvalidInputException("directory", $"Directory '{directoryId}' does not exist.");
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO apps (directory_id, id, name, created, features, template, required_attributes)
            VALUES (@DirectoryId, @Id, @Name, @created, @features, @Template, @required)
            """,
            new { app.DirectoryId, app.Id, app.Name, created = Timestamps.Format(now), features = app.Features.ToJson(), app.Template, required = app.RequiredAttributes.ToJson() },
            transaction);
        var token = await IssueAsync(connection, transaction, app.DirectoryId, app.Id, null, null);
        await AdminAudit.RecordAsync(connection, transaction, now, directoryId, "app-created", app.Id,
            $"App '{app.Name}' from the {app.Template} template; features {app.Features.ToJson()}; required {string.Join(", ", app.RequiredAttributes.Paths)}; first token {token.TokenId}.");
        await write.CommitAsync(cancellationToken);
        return (app, token);
    }

    public async Task<IReadOnlyList<ProvisioningApp>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await QueryAppsAsync(connection, null, null);
    }

    public async Task<ProvisioningApp?> FindAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await QueryAppsAsync(connection, null, appId)).SingleOrDefault();
    }

    /// <summary>
    /// Renames the app, sets some of its features and/or replaces its required attributes (null: leave as they are);
    /// null when there is no such app.
    /// </summary>
    public async Task<ProvisioningApp?> UpdateAsync(string appId, string? name, FeatureChanges? features, IReadOnlyList<string>? requiredAttributes, CancellationToken cancellationToken)
    {
        var newName = name is null ? null : ValidName(name);
        var newRequired = requiredAttributes is null ? null : RequiredAttributes.Of(requiredAttributes);
        await using var write = await database.BeginAsync(cancellationToken);
        var current = (await QueryAppsAsync(write.Connection, write.Transaction, appId)).SingleOrDefault();
        if (current is null)
        {
            return null;
        }

        var updated = current with
        {
            Name = newName ?? current.Name,
            Features = current.Features.With(features),
            RequiredAttributes = newRequired ?? current.RequiredAttributes,
        };
        await write.Connection.ExecuteAsync(
            "UPDATE apps SET name = @Name, features = @features, required_attributes = @required WHERE directory_id = @DirectoryId AND id = @Id",
            new { updated.Name, features = updated.Features.ToJson(), required = updated.RequiredAttributes.ToJson(), updated.DirectoryId, updated.Id }, write.Transaction);
        await AdminAudit.RecordAsync(write.Connection, write.Transaction, time.GetUtcNow(), updated.DirectoryId, "app-changed", updated.Id,
            $"Name '{current.Name}' → '{updated.Name}'; features {current.Features.ToJson()} → {updated.Features.ToJson()}; "
            + $"required [{string.Join(", ", current.RequiredAttributes.Paths)}] → [{string.Join(", ", updated.RequiredAttributes.Paths)}].");
        await write.CommitAsync(cancellationToken);
        return updated;
    }

    /// <summary>Deletes the app and its tokens. The directory's users and groups stay: other apps may share them.</summary>
    public async Task<bool> DeleteAsync(string appId, CancellationToken cancellationToken)
    {
        await using var write = await database.BeginAsync(cancellationToken);
        var directoryId = await DirectoryOfAsync(write.Connection, write.Transaction, appId);
        if (directoryId is null)
        {
            return false;
        }

        await write.Connection.ExecuteAsync("DELETE FROM apps WHERE id = @appId", new { appId }, write.Transaction);
        await AdminAudit.RecordAsync(write.Connection, write.Transaction, time.GetUtcNow(), directoryId, "app-deleted", appId, "The app and its tokens and OAuth clients were deleted.");
        await write.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The app's bearer tokens (not the OAuth access tokens of its clients), newest first; null when there is no such app.</summary>
    public async Task<IReadOnlyList<AppToken>?> ListTokensAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (await DirectoryOfAsync(connection, null, appId) is null)
        {
            return null;
        }

        var rows = await connection.QueryAsync<(string Id, string? Name, string Created, string? Expires, string? LastUsed, string? Revoked)>(
            "SELECT id, name, created, expires, last_used, revoked FROM app_tokens WHERE app_id = @appId AND client_id IS NULL ORDER BY created DESC, id DESC", new { appId });
        return rows.Select(r => new AppToken(r.Id, r.Name, Timestamps.Parse(r.Created), Time(r.Expires), Time(r.LastUsed), Time(r.Revoked))).ToList();
    }

    /// <summary>
    /// One more token for the app, next to the ones it has (overlap while the provider is switched over); it
    /// expires at <paramref name="expires"/> (never when null). Null when there is no such app.
    /// </summary>
    public async Task<IssuedToken?> IssueTokenAsync(string appId, string? name, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        var (tokenName, expiry) = ValidToken(name, expires);
        await using var write = await database.BeginAsync(cancellationToken);
        var directoryId = await DirectoryOfAsync(write.Connection, write.Transaction, appId);
        if (directoryId is null)
        {
            return null;
        }

        var token = await IssueAsync(write.Connection, write.Transaction, directoryId, appId, tokenName, expiry);
        await AdminAudit.RecordAsync(write.Connection, write.Transaction, time.GetUtcNow(), directoryId, "token-issued", appId,
            $"Token {token.TokenId} ('{tokenName}'), expires {(expiry is { } e ? Timestamps.Format(e) : "never")}.");
        await write.CommitAsync(cancellationToken);
        return token;
    }

    /// <summary>
    /// Issues a new token and retires the app's earlier ones: at once (no <paramref name="overlap"/>), or after the
    /// overlap, so that the provider can be switched to the new token while the old one still works.
    /// </summary>
    public async Task<IssuedToken?> RotateTokenAsync(string appId, DateTimeOffset? expires, TimeSpan? overlap, CancellationToken cancellationToken)
    {
        var (_, expiry) = ValidToken(null, expires);
        if (overlap is { } o && (o < TimeSpan.Zero || o > MaxOverlap))
        {
            throw new InvalidInputException("overlap", $"The overlap must be between 0 and {MaxOverlap.TotalDays:0} days; got {o}.");
        }

        await using var write = await database.BeginAsync(cancellationToken);
        var (connection, transaction) = (write.Connection, write.Transaction);
        var directoryId = await DirectoryOfAsync(connection, transaction, appId);
        if (directoryId is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (overlap is { } window && window > TimeSpan.Zero)
        {
            // Earlier tokens expire when the overlap ends, unless they expire sooner anyway.
            var end = Timestamps.Format(now + window);
            await connection.ExecuteAsync(
                "UPDATE app_tokens SET expires = @end WHERE app_id = @appId AND client_id IS NULL AND revoked IS NULL AND (expires IS NULL OR expires > @end)",
                new { appId, end }, transaction);
        }
        else
        {
            await connection.ExecuteAsync(
                "UPDATE app_tokens SET revoked = @revoked WHERE app_id = @appId AND client_id IS NULL AND revoked IS NULL",
                new { appId, revoked = Timestamps.Format(now) }, transaction);
        }

        var token = await IssueAsync(connection, transaction, directoryId, appId, $"rotated {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC", expiry);
        await AdminAudit.RecordAsync(connection, transaction, now, directoryId, "tokens-rotated", appId,
            $"New token {token.TokenId}; earlier tokens {(overlap is { } w && w > TimeSpan.Zero ? $"expire at {Timestamps.Format(now + w)}" : "revoked")}.");
        await write.CommitAsync(cancellationToken);
        return token;
    }

    /// <summary>Revokes one token (it stops working at once); null when there is no such app, false when no such active token.</summary>
    public async Task<bool?> RevokeTokenAsync(string appId, string tokenId, CancellationToken cancellationToken)
    {
        await using var write = await database.BeginAsync(cancellationToken);
        if (await DirectoryOfAsync(write.Connection, write.Transaction, appId) is not { } directoryId)
        {
            return null;
        }

        var revoked = await write.Connection.ExecuteAsync(
            "UPDATE app_tokens SET revoked = @now WHERE app_id = @appId AND id = @tokenId AND revoked IS NULL",
            new { appId, tokenId, now = Timestamps.Format(time.GetUtcNow()) }, write.Transaction);
        if (revoked > 0)
        {
            await AdminAudit.RecordAsync(write.Connection, write.Transaction, time.GetUtcNow(), directoryId, "token-revoked", appId, $"Token {tokenId}.");
        }

        await write.CommitAsync(cancellationToken);
        return revoked > 0;
    }

    /// <summary>
    /// Revokes every credential of the app — its tokens, its OAuth clients and their access tokens — at once (after a
    /// leak); returns how many tokens were active, or null when there is no such app.
    /// </summary>
    public async Task<int?> RevokeTokensAsync(string appId, CancellationToken cancellationToken)
    {
        await using var write = await database.BeginAsync(cancellationToken);
        if (await DirectoryOfAsync(write.Connection, write.Transaction, appId) is not { } directoryId)
        {
            return null;
        }

        var revoked = await RevokeAllAsync(write.Connection, write.Transaction, appId);
        await AdminAudit.RecordAsync(write.Connection, write.Transaction, time.GetUtcNow(), directoryId, "tokens-revoked", appId,
            $"Every credential: {revoked} token(s) and the app's OAuth clients.");
        await write.CommitAsync(cancellationToken);
        return revoked;
    }

    /// <summary>
    /// The app a bearer token speaks for, if the token is active (not revoked, not expired) and issued for
    /// <paramref name="appId"/>; else why not. Notes when the token was last used (at most once a minute).
    /// </summary>
    public async Task<TokenCheck> AuthenticateAsync(string appId, string token, CancellationToken cancellationToken)
    {
        var (passed, refusal) = await CheckAsync(appId, AppTokens.Hash(token), cancellationToken);
        if (passed is null)
        {
            return TokenCheck.Refused(refusal!);
        }

        var now = time.GetUtcNow();
        if (passed.ExpiresAt is { } expires && expires <= now)
        {
            return TokenCheck.Refused($"The bearer token expired at {passed.Expires}. Ask the hub's admin for a new one.");
        }

        var app = passed.Check.App!;
        await NoteUseAsync(app.DirectoryId, app.AppId, passed.TokenId, passed.LastUsed, now, cancellationToken);
        return passed.Check;
    }

    /// <summary>
    /// The check of a token this node passed before, while the credentials version has not moved (see
    /// <see cref="KnownTokens"/>); else the token, its app and its directory read again. Expiry is the caller's.
    /// </summary>
    private async Task<(KnownToken? Passed, string? Refusal)> CheckAsync(string appId, byte[] hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (knownTokens.Find(hash) is { } known && known.AuthVersion == await AuthVersionAsync(connection, cancellationToken))
        {
            return known.Check.App!.AppId == appId ? (known, null) : (null, ForAnotherApp);
        }

        // The version is read in the same statement, so it is never newer than what the check saw.
        var match = await connection.QuerySingleOrDefaultAsync<(string AppId, string DirectoryId, string AppName, string? Features, string? Required, string? Rules,
            long ProfileVersion, string TokenId, byte[] Hash, string? Expires, string? Revoked, string? LastUsed, long? AuthVersion)>(
            """
            SELECT a.id, a.directory_id, a.name, a.features, a.required_attributes, a.mapping_rules, d.profile_version, t.id, t.hash, t.expires, t.revoked, t.last_used,
                   (SELECT v.version FROM auth_version v WHERE v.id = 1)
            FROM app_tokens t JOIN apps a ON a.directory_id = t.directory_id AND a.id = t.app_id JOIN directories d ON d.id = a.directory_id
            WHERE t.hash = @hash
            """,
            new { hash });

        // The look-up is by hash; the final comparison is constant-time, and a token of another app never matches.
        if (match.Hash is null || !CryptographicOperations.FixedTimeEquals(match.Hash, hash) || match.AppId != appId)
        {
            return (null, ForAnotherApp);
        }

        if (match.Revoked is not null)
        {
            return (null, $"The bearer token was revoked at {match.Revoked}. Ask the hub's admin for a new one.");
        }

        var app = new AppIdentity(match.AppId, match.DirectoryId, match.AppName)
        {
            Features = AppFeatures.FromJson(match.Features),
            RequiredAttributes = RequiredAttributes.FromJson(match.Required),
            Mapping = AttributeMapping.FromJson(match.Rules),
            ProfileVersion = match.ProfileVersion,
        };
        var passed = new KnownToken(new TokenCheck(app, null), match.TokenId, match.Expires, match.Expires is null ? null : Timestamps.Parse(match.Expires), match.AuthVersion ?? -1)
        {
            LastUsed = match.LastUsed,
        };
        if (match.AuthVersion is not null)
        {
            knownTokens.Keep(hash, passed);
        }

        return (passed, null);
    }

    private const string ForAnotherApp = "The bearer token is not valid for this app's SCIM base URL (unknown, or issued for another app).";

    private static async Task<long?> AuthVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM auth_version WHERE id = 1";
        return await command.ExecuteScalarAsync(cancellationToken) is { } version and not DBNull ? Convert.ToInt64(version, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// Writes a token's last-used time when it is a minute old or more, once per node: one small write a minute,
    /// not one per request. A busy database skips it; the next request tries again.
    /// </summary>
    private async Task NoteUseAsync(string directoryId, string appId, string tokenId, string? lastUsed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // What this node knows first (no parsing on the hot path), then the stored time (another node may have written it).
        var previous = lastUsedWritten.GetValueOrDefault(tokenId);
        if (now - previous < LastUsedResolution)
        {
            return;
        }

        if (lastUsed is not null && Timestamps.Parse(lastUsed) is var stored && now - stored < LastUsedResolution)
        {
            lastUsedWritten[tokenId] = stored;
            return;
        }

        if (!lastUsedWritten.TryUpdate(tokenId, now, previous) && !lastUsedWritten.TryAdd(tokenId, now))
        {
            return;
        }

        try
        {
            await using var write = await database.BeginAsync(cancellationToken);
            await write.Connection.ExecuteAsync(
                "UPDATE app_tokens SET last_used = @now WHERE directory_id = @directoryId AND app_id = @appId AND id = @tokenId",
                new { directoryId, appId, tokenId, now = Timestamps.Format(now) }, write.Transaction);
            await write.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is ScimException { Status: 503 } or DbException)
        {
            // Noting the use is never worth failing the request for; the next request tries again.
            lastUsedWritten.TryRemove(tokenId, out _);
        }
    }

    /// <summary>Every app, or one; inside a write transaction the app's row is locked until it ends (PostgreSQL).</summary>
    private async Task<IReadOnlyList<ProvisioningApp>> QueryAppsAsync(DbConnection connection, DbTransaction? transaction, string? appId)
    {
        var rows = await connection.QueryAsync<(string Id, string DirectoryId, string Name, string Created, string? Features, string? Template, string? Required, string? Rules, long ActiveTokens)>(
            $"""
            SELECT a.id, a.directory_id, a.name, a.created, a.features, a.template, a.required_attributes, a.mapping_rules,
                   (SELECT COUNT(*) FROM app_tokens t WHERE t.directory_id = a.directory_id AND t.app_id = a.id AND t.client_id IS NULL
                        AND t.revoked IS NULL AND (t.expires IS NULL OR t.expires > @now))
            FROM apps a {(appId is null ? "ORDER BY a.created, a.id" : "WHERE a.id = @appId")}{(transaction is null ? "" : database.Dialect.ForNoKeyUpdate)}
            """,
            new { appId, now = Timestamps.Format(time.GetUtcNow()) }, transaction);
        return rows.Select(r => new ProvisioningApp(r.Id, r.DirectoryId, r.Name, Timestamps.Parse(r.Created), (int)r.ActiveTokens)
        {
            Features = AppFeatures.FromJson(r.Features),
            Template = r.Template ?? AppTemplates.Generic,
            RequiredAttributes = RequiredAttributes.FromJson(r.Required),
            Mapping = AttributeMapping.FromJson(r.Rules),
        }).ToList();
    }

    /// <summary>
    /// The app's directory; inside a write transaction the app's row stays locked until it ends (PostgreSQL), so that
    /// token changes of one app (two rotations, an issue and a revoke-all) take turns instead of missing each other's
    /// rows. NO KEY UPDATE: an OAuth grant inserting a token of the app (a foreign-key check) is not blocked by it.
    /// </summary>
    internal static Task<string?> DirectoryOfAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, string appId) =>
        connection.ExecuteScalarAsync<string?>(
            $"SELECT directory_id FROM apps WHERE id = @appId{(transaction is null ? "" : dialect.ForNoKeyUpdate)}", new { appId }, transaction);

    private Task<string?> DirectoryOfAsync(DbConnection connection, DbTransaction? transaction, string appId) =>
        DirectoryOfAsync(connection, transaction, database.Dialect, appId);

    private async Task<IssuedToken> IssueAsync(DbConnection connection, DbTransaction transaction, string directoryId, string appId, string? name, DateTimeOffset? expires)
    {
        var token = AppTokens.NewToken();
        var now = time.GetUtcNow();
        var tokenId = Guid.CreateVersion7(now).ToString("N");
        await connection.ExecuteAsync(
            "INSERT INTO app_tokens (directory_id, app_id, id, name, hash, created, expires) VALUES (@directoryId, @appId, @tokenId, @name, @hash, @created, @expires)",
            new { directoryId, appId, tokenId, name, hash = AppTokens.Hash(token), created = Timestamps.Format(now), expires = expires is { } e ? Timestamps.Format(e) : null },
            transaction);
        return new IssuedToken(tokenId, token, expires);
    }

    /// <summary>Every credential of the app: its tokens, its OAuth clients (which could mint new ones) and their access tokens.</summary>
    private async Task<int> RevokeAllAsync(DbConnection connection, DbTransaction transaction, string appId)
    {
        var now = Timestamps.Format(time.GetUtcNow());
        await connection.ExecuteAsync("UPDATE app_oauth_clients SET revoked = @now WHERE app_id = @appId AND revoked IS NULL", new { appId, now }, transaction);
        return await connection.ExecuteAsync("UPDATE app_tokens SET revoked = @now WHERE app_id = @appId AND revoked IS NULL", new { appId, now }, transaction);
    }

    private static string ValidName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidInputException("name", "The app needs a name, e.g. \"Microsoft Entra ID\".");
        }

        var trimmed = name.Trim();
        return trimmed.Length <= MaxNameLength
            ? trimmed
            : throw new InvalidInputException("name", $"The app's name is longer than {MaxNameLength} characters.");
    }

    private (string? Name, DateTimeOffset? Expires) ValidToken(string? name, DateTimeOffset? expires)
    {
        if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength))
        {
            throw new InvalidInputException("name", $"A token's name is 1 to {MaxNameLength} characters (or leave it out).");
        }

        if (expires is { } e && e <= time.GetUtcNow())
        {
            throw new InvalidInputException("expires", $"The expiry must be in the future; got {Timestamps.Format(e)}.");
        }

        return (name?.Trim(), expires);
    }

    private static DateTimeOffset? Time(string? text) => text is null ? null : Timestamps.Parse(text);
}
