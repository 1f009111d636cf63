using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace ScimHub.Provisioning.Apps;

/// <summary>
/// The token checks this node has passed, each kept with the credentials version (table <c>auth_version</c>) it was
/// read at. A check stands while that number has not moved: triggers move it on every change that could refuse the
/// token or change its app, whoever writes it (this node, the CLI, another node), so a revocation still takes effect
/// with the next request. Expiry is checked at every use. Refusals are not kept.
/// </summary>
internal sealed class KnownTokens
{
    /// <summary>More than any hub has tokens in use; past it the map starts again rather than grow.</summary>
    private const int MaxKept = 10_000;

    private readonly ConcurrentDictionary<TokenHash, KnownToken> known = new();

    public KnownToken? Find(ReadOnlySpan<byte> hash) => known.GetValueOrDefault(TokenHash.Of(hash));

    public void Keep(ReadOnlySpan<byte> hash, KnownToken token)
    {
        if (known.Count >= MaxKept)
        {
            known.Clear();
        }

        known[TokenHash.Of(hash)] = token;
    }

    /// <summary>A SHA-256 token hash as a value: no copy of the bytes per request.</summary>
    private readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
    {
        public static TokenHash Of(ReadOnlySpan<byte> hash)
        {
            var words = MemoryMarshal.Cast<byte, ulong>(hash);
            return new TokenHash(words[0], words[1], words[2], words[3]);
        }
    }
}

/// <summary>A passed token check: the app it speaks for, its expiry, and the credentials version it was read at.</summary>
internal sealed record KnownToken(TokenCheck Check, string TokenId, string? Expires, DateTimeOffset? ExpiresAt, long AuthVersion)
{
    /// <summary>The token's last-used time as read with the check (older than the stored one once this node wrote it).</summary>
    public string? LastUsed { get; init; }
}
