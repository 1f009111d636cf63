using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ScimHub.Core.Filters;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// What makes paging through a large directory linear instead of quadratic, kept in the node's memory:
/// <list type="bullet">
/// <item>a cursor per page boundary: where the page that ended at startIndex N stopped (its last row's seq), so that
/// the next page seeks there (<c>seq &gt; last</c>) instead of skipping N rows; a scan also stays consistent while
/// users are deleted behind it;</item>
/// <item>the totalResults of a query, until the directory next changes through this node (or a few seconds pass,
/// for changes made through other nodes).</item>
/// </list>
/// A miss costs only speed: the query falls back to OFFSET and COUNT.
/// </summary>
public sealed class ListCache(TimeProvider time)
{
    private const int MaxEntries = 100_000;
    private static readonly TimeSpan TotalLifetime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CursorLifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, long> generations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Query, long Generation), (long Total, DateTimeOffset At)> totals = new();
    private readonly ConcurrentDictionary<(string Query, string Client, int StartIndex), (long Seq, DateTimeOffset At)> cursors = new();

    /// <summary>
    /// A short, exact key of a query: table, directory, filter (with literals as JSON, so that "x" and null and 1
    /// differ), sort and direction, hashed so that a long filter costs a few bytes.
    /// </summary>
    public static string Key(string table, string directoryId, ListQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = $"{table}\n{directoryId}\n{(query.Filter is null ? "" : FilterKey(query.Filter))}\n{query.SortBy}\n{query.Descending}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Forgets the totals of a directory whose users or groups just changed.</summary>
    public void Changed(string directoryId) => generations.AddOrUpdate(directoryId, 1, (_, generation) => generation + 1);

    /// <summary>The directory's change count: read it before counting, so that a count never outlives a change made meanwhile.</summary>
    public long Generation(string directoryId) => generations.GetValueOrDefault(directoryId);

    public long? Total(string query, long generation) =>
        totals.TryGetValue((query, generation), out var entry) && time.GetUtcNow() - entry.At < TotalLifetime ? entry.Total : null;

    public void RememberTotal(string query, long generation, long total) =>
        Remember(totals, (query, generation), (total, time.GetUtcNow()));

    public long? Cursor(string query, string client, int startIndex) =>
        cursors.TryGetValue((query, client, startIndex), out var entry) && time.GetUtcNow() - entry.At < CursorLifetime ? entry.Seq : null;

    public void RememberCursor(string query, string client, int startIndex, long seq) =>
        Remember(cursors, (query, client, startIndex), (seq, time.GetUtcNow()));

    private static string FilterKey(Filter filter) => filter switch
    {
        AndFilter and => $"(and {FilterKey(and.Left)} {FilterKey(and.Right)})",
        OrFilter or => $"(or {FilterKey(or.Left)} {FilterKey(or.Right)})",
        NotFilter not => $"(not {FilterKey(not.Inner)})",
        ValuePathFilter valuePath => $"({valuePath.Path.ToString().ToLowerInvariant()}[{FilterKey(valuePath.Inner)}])",
        PresentFilter present => $"(pr {present.Path.ToString().ToLowerInvariant()})",
        ComparisonFilter c => $"({c.Operator.ToScimName()} {c.Path.ToString().ToLowerInvariant()} {c.Value?.ToJsonString() ?? "null"})",
        _ => throw new ArgumentException($"Unknown filter {filter.GetType().Name}", nameof(filter)),
    };

    private static void Remember<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, TValue value)
        where TKey : notnull
    {
        if (cache.Count >= MaxEntries)
        {
            cache.Clear();
        }

        cache[key] = value;
    }
}
