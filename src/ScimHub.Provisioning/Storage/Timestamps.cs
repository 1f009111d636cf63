using System.Globalization;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Times are stored as UTC text of fixed width (<c>2026-11-29T16:35:27.1234567Z</c>), so that text order is time order
/// on every database and dateTime filters compare correctly.
/// </summary>
public static class Timestamps
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.ParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
