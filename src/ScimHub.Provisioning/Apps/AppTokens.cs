using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ScimHub.Provisioning.Reports;

namespace ScimHub.Provisioning.Apps;

/// <summary>
/// Bearer tokens: 256 random bits, shown once, stored only as a SHA-256 hash. A token of that entropy cannot be
/// guessed, so a fast hash is enough (a slow, salted hash protects low-entropy passwords, not random keys).
/// </summary>
public static class AppTokens
{
    private const string Prefix = "scimhub_";

    public static string NewToken(string prefix = Prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>
    /// A token's expiry as an admin types it: a duration from <paramref name="now"/> (<c>90d</c>, <c>12w</c>, <c>6h</c>)
    /// or an ISO-8601 time (<c>2027-06-30</c>, <c>2027-06-30T12:00:00+02:00</c>; without an offset, UTC).
    /// </summary>
    public static DateTimeOffset ParseExpiry(string text, DateTimeOffset now, string field = "expires")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim() is { Length: > 0 } trimmed && char.IsAsciiLetter(trimmed[^1]) && !trimmed.Contains(':', StringComparison.Ordinal))
        {
            return now + ReportQuery.Duration(trimmed, field);
        }

        return DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new InvalidInputException(field, $"'{field}' must be a duration such as 90d or 12w, or an ISO-8601 time such as 2027-06-30T00:00:00Z; got '{text}'.");
    }

    /// <summary><see cref="ParseExpiry(string, DateTimeOffset, string)"/>, or null (never expires) when no expiry is given.</summary>
    public static DateTimeOffset? ParseOptionalExpiry(string? text, DateTimeOffset now) => text is null ? null : ParseExpiry(text, now);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
