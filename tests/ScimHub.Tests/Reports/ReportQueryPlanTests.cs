using Dapper;
using ScimHub.Provisioning.Reports;
using ScimHub.Provisioning.Storage;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Reports;

/// <summary>
/// Every report filter is answered through an index: SQLite's plan for each search never reads a whole table
/// (a bare "SCAN" of the events or identifiers). Only the time index may be walked in order, from the newest end,
/// for a search without a narrower filter: it stops after one page.
/// </summary>
[Trait("Storage", "SqliteOnly")]
public sealed class ReportQueryPlanTests(HubFactory hub)
{
    public static TheoryData<string> Searches() =>
    [
        "user",
        "exact user",
        "app",
        "outcome",
        "user app outcome operation direction",
        "from to",
        "user from to cursor",
        "correlation",
    ];

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task A_search_reads_through_indexes_only(string filters)
    {
        var now = DateTimeOffset.UtcNow;
        var has = filters.Split(' ').ToHashSet();
        var query = ReportQuery.Create(
            now,
            user: has.Contains("user") ? "alice" : null,
            exactUser: has.Contains("exact"),
            app: has.Contains("app") ? "Microsoft Entra ID" : null,
            outcome: has.Contains("outcome") ? "failure" : null,
            operation: has.Contains("operation") ? "delete" : null,
            direction: has.Contains("direction") ? "inbound" : null,
            from: has.Contains("from") ? "2026-01-01T00:00:00Z" : null,
            to: has.Contains("to") ? "2026-02-01T00:00:00Z" : null,
            cursor: has.Contains("cursor") ? new ReportCursor("2026-01-15T00:00:00.0000000Z", 7).ToString() : null,
            correlationId: has.Contains("correlation") ? "0190a1b2c3d4" : null);
        var (sql, args) = ProvisioningReports.SearchCommand(query);
        args.Add("limit", 51);

        await using var connection = await hub.Service<Database>().OpenAsync(TestContext.Current.CancellationToken);
        var plan = (await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>($"EXPLAIN QUERY PLAN {sql} LIMIT {SqlDialect.Sqlite.RowCount("@limit")}", args)).Select(r => r.Detail).ToList();

        Assert.DoesNotContain(plan, d => d is "SCAN e" or "SCAN provisioning_events" or "SCAN provisioning_event_identifiers");
        if (has.Overlaps(["user", "app", "outcome", "correlation"]))
        {
            Assert.DoesNotContain(plan, d => d.StartsWith("SCAN e", StringComparison.Ordinal));
        }
    }
}
