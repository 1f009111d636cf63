using ScimHub.Core.Filters;
using ScimHub.Core.Paths;

namespace ScimHub.Provisioning.Storage;

/// <summary>What a list or search asks for (RFC 7644 §3.4.2): a filter, an order and a page.</summary>
public sealed record ListQuery(Filter? Filter, AttributePath? SortBy, bool Descending, int StartIndex, int Count)
{
    /// <summary>Who pages (the app): page cursors are kept per client, so that one client's scan never continues another's.</summary>
    public string Client { get; init; } = "";

    /// <summary>Page size when the client gives no count.</summary>
    public const int DefaultCount = 100;

    /// <summary>The largest page the hub returns, advertised as filter.maxResults.</summary>
    public const int MaxCount = 1000;
}
