using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Reports;

/// <summary>A page of a report and the cursor of the next one (null on the last page).</summary>
public sealed record ReportPage(IReadOnlyList<ProvisioningEvent> Events, string? NextCursor);

/// <summary>Events of one app with one operation and one outcome in a time span.</summary>
public sealed record ReportSummaryRow(string AppId, string AppName, string Operation, string Outcome, long Count);

/// <summary>
/// The Provisioning Report: searches (newest first, paged by cursor), a user's timeline (oldest first), counts per
/// app × operation × outcome, and exports. Every filter is answered through an index (docs/ARCHITECTURE.md).
/// </summary>
public sealed class ProvisioningReports(Database database)
{
    private const string Columns =
        """
        e.id AS Id, e.occurred_at AS OccurredAt, e.directory_id AS DirectoryId, e.app_id AS AppId, e.app_name AS AppName, e.direction AS Direction,
        e.operation AS Operation, e.outcome AS Outcome, e.resource_type AS ResourceType, e.resource_id AS ResourceId, e.subject AS Subject,
        e.email AS Email, e.external_id AS ExternalId, e.changes AS Changes, e.error_status AS ErrorStatus, e.error_scim_type AS ErrorScimType,
        e.error_detail AS ErrorDetail, e.correlation_id AS CorrelationId
        """;

    /// <summary>Events matching the query, newest first.</summary>
    public async Task<ReportPage> SearchAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        var (sql, args) = SearchCommand(query);
        return await PageAsync(sql, args, query.Limit, cancellationToken);
    }

    /// <summary>The SQL of a search page (before its LIMIT), and its parameters.</summary>
    internal static (string Sql, DynamicParameters Args) SearchCommand(ReportQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, args) = Where(query, UserMatch(query));
        if (query.After is { } after)
        {
            where.Add("(e.occurred_at < @afterTime OR (e.occurred_at = @afterTime AND e.id < @afterId))");
            args.Add("afterTime", after.OccurredAt);
            args.Add("afterId", after.Id);
        }

        return ($"SELECT {Columns} FROM provisioning_events e WHERE {string.Join(" AND ", where)} ORDER BY e.occurred_at DESC, e.id DESC", args);
    }

    /// <summary>
    /// Every event of one user across all apps, oldest first: the events naming <paramref name="query"/>'s user
    /// (exactly, case-insensitively) and every event of the hub ids those name, so that a userName renamed since, or
    /// a group membership recorded by hub id, still shows. Other filters of the query apply too.
    /// </summary>
    public async Task<ReportPage> TimelineAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.User is null)
        {
            throw new ReportQueryException("user", "A timeline needs the user: a userName, email, externalId or hub id.");
        }

        // The search's user match, exact: the events naming the identifier and every event of the user it names.
        var exact = query with { ExactUser = true };
        var (where, args) = Where(exact, UserMatch(exact));
        if (query.After is { } after)
        {
            where.Add("(e.occurred_at > @afterTime OR (e.occurred_at = @afterTime AND e.id > @afterId))");
            args.Add("afterTime", after.OccurredAt);
            args.Add("afterId", after.Id);
        }

        return await PageAsync($"SELECT {Columns} FROM provisioning_events e WHERE {string.Join(" AND ", where)} ORDER BY e.occurred_at, e.id", args, query.Limit, cancellationToken);
    }

    /// <summary>Counts per app × operation × outcome over the query's span and filters, computed by the database.</summary>
    public async Task<IReadOnlyList<ReportSummaryRow>> SummaryAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, args) = Where(query, UserMatch(query));
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string AppId, string AppName, string Operation, string Outcome, long Count)>(
            $"""
            SELECT e.app_id, MAX(e.app_name), e.operation, e.outcome, COUNT(*)
            FROM provisioning_events e WHERE {string.Join(" AND ", where)}
            GROUP BY e.app_id, e.operation, e.outcome
            """,
            args);
        return rows.Select(r => new ReportSummaryRow(r.AppId, r.AppName, r.Operation, r.Outcome, r.Count))
            .OrderBy(r => r.AppName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.AppId, StringComparer.Ordinal)
            .ThenBy(r => EventOperations.All.ToList().IndexOf(r.Operation)).ThenBy(r => EventOutcomes.All.ToList().IndexOf(r.Outcome))
            .ToList();
    }

    /// <summary>Every event of a search (all pages), newest first, read a page at a time.</summary>
    public IAsyncEnumerable<ProvisioningEvent> ExportAsync(ReportQuery query, CancellationToken cancellationToken) => ExportAsync(query, timeline: false, cancellationToken);

    /// <summary>Every event of a search, or of a timeline (oldest first), read a page at a time.</summary>
    public async IAsyncEnumerable<ProvisioningEvent> ExportAsync(ReportQuery query, bool timeline, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = query with { Limit = ReportQuery.MaxLimit };
        while (true)
        {
            var result = timeline ? await TimelineAsync(page, cancellationToken) : await SearchAsync(page, cancellationToken);
            foreach (var item in result.Events)
            {
                yield return item;
            }

            if (result.NextCursor is null)
            {
                yield break;
            }

            page = page with { After = ReportCursor.Parse(result.NextCursor) };
        }
    }

    private static (List<string> Where, DynamicParameters Args) Where(ReportQuery query, string? userMatch)
    {
        var where = new List<string> { "1 = 1" };
        var args = new DynamicParameters();
        if (query.From is { } from)
        {
            where.Add("e.occurred_at >= @from");
            args.Add("from", Timestamps.Format(from));
        }

        if (query.To is { } to)
        {
            where.Add("e.occurred_at <= @to");
            args.Add("to", Timestamps.Format(to));
        }

        if (query.App is not null)
        {
            where.Add("e.app_name_key = @app");
            args.Add("app", query.App.ToLowerInvariant());
        }

        foreach (var (column, value) in new[] { ("outcome", query.Outcome), ("operation", query.Operation), ("direction", query.Direction), ("correlation_id", query.CorrelationId) })
        {
            if (value is not null)
            {
                where.Add($"e.{column} = @{column}");
                args.Add(column, value);
            }
        }

        if (userMatch is not null)
        {
            where.Add(userMatch);
            var key = EventDraft.Key(query.User!);
            args.Add("userKey", key);
            args.Add("userKeyEnd", PrefixEnd(key));
        }

        return (where, args);
    }

    /// <summary>
    /// Events naming an identifier that matches (exactly, or as a prefix), and events naming the hub id of a user whose
    /// events match: a member-add records the member's hub id only, and is still found by the member's userName.
    /// </summary>
    private static string? UserMatch(ReportQuery query)
    {
        if (query.User is null)
        {
            return null;
        }

        string Match(string alias) => query.ExactUser
            ? $"{alias}.identifier_key = @userKey"
            : $"{alias}.identifier_key >= @userKey AND {alias}.identifier_key < @userKeyEnd";
        return $"""
            e.id IN (
                SELECT i.event_id FROM provisioning_event_identifiers i WHERE {Match("i")}
                UNION
                SELECT m.event_id FROM provisioning_event_identifiers m
                WHERE m.identifier_key IN (
                    SELECT lower(u.resource_id) FROM provisioning_event_identifiers k JOIN provisioning_events u ON u.id = k.event_id
                    WHERE {Match("k")} AND u.resource_type = 'User' AND u.resource_id IS NOT NULL))
            """;
    }

    /// <summary>
    /// The smallest string above every string that starts with <paramref name="prefix"/> (in code point order, the
    /// order of SQLite's BINARY and PostgreSQL's "C" collation): its last character, plus one.
    /// </summary>
    internal static string PrefixEnd(string prefix)
    {
        var runes = prefix.EnumerateRunes().ToList();
        while (runes.Count > 0)
        {
            var last = runes[^1].Value;
            runes.RemoveAt(runes.Count - 1);
            var next = last == 0xD7FF ? 0xE000 : last + 1;
            if (next <= 0x10FFFF)
            {
                runes.Add(new Rune(next));
                var text = new StringBuilder();
                foreach (var rune in runes)
                {
                    text.Append(rune.ToString());
                }

                return text.ToString();
            }
        }

        return "\U0010FFFF\U0010FFFF";
    }

    private async Task<ReportPage> PageAsync(string sql, DynamicParameters args, int limit, CancellationToken cancellationToken)
    {
        args.Add("limit", limit + 1);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition($"{sql} LIMIT {database.Dialect.RowCount("@limit")}", args, cancellationToken: cancellationToken))).ToList();
        var events = rows.Take(limit).Select(r => r.ToEvent()).ToList();
        var next = rows.Count > limit ? new ReportCursor(rows[limit - 1].OccurredAt, rows[limit - 1].Id).ToString() : null;
        return new ReportPage(events, next);
    }

    /// <summary>A row as read; a class with setters, because SQLite reports no column type for an all-NULL column.</summary>
    private sealed class Row
    {
        public long Id { get; set; }

        public string OccurredAt { get; set; } = "";

        public string DirectoryId { get; set; } = "";

        public string AppId { get; set; } = "";

        public string AppName { get; set; } = "";

        public string Direction { get; set; } = "";

        public string Operation { get; set; } = "";

        public string Outcome { get; set; } = "";

        public string ResourceType { get; set; } = "";

        public string? ResourceId { get; set; }

        public string? Subject { get; set; }

        public string? Email { get; set; }

        public string? ExternalId { get; set; }

        public string? Changes { get; set; }

        public long? ErrorStatus { get; set; }

        public string? ErrorScimType { get; set; }

        public string? ErrorDetail { get; set; }

        public string CorrelationId { get; set; } = "";

        public ProvisioningEvent ToEvent() => new(
            Id, Timestamps.Parse(OccurredAt), DirectoryId, AppId, AppName, Direction, Operation, Outcome, ResourceType, ResourceId, Subject, Email, ExternalId,
            Changes is null ? null : new JsonText(Changes),
            ErrorStatus is null ? null : (int)ErrorStatus.Value, ErrorScimType, ErrorDetail, CorrelationId);
    }
}
