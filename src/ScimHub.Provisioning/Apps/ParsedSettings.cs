using System.Collections.Concurrent;

namespace ScimHub.Provisioning.Apps;

/// <summary>
/// An app's settings parsed once per distinct stored JSON text: every SCIM request reads them with its token, and apps
/// share a handful of settings. Null or empty text is <c>empty</c>; the cache is cleared when it grows past 1,024 texts.
/// </summary>
internal sealed class ParsedSettings<T>(Func<string, T> parse, T empty)
    where T : class
{
    private const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<string, T> parsed = new(StringComparer.Ordinal);

    public T Get(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return empty;
        }

        if (parsed.TryGetValue(json, out var known))
        {
            return known;
        }

        if (parsed.Count >= MaxEntries)
        {
            parsed.Clear();
        }

        return parsed[json] = parse(json);
    }
}
