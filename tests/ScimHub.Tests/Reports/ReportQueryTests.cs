using ScimHub.Provisioning.Reports;

namespace ScimHub.Tests.Reports;

public sealed class ReportQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("1h", 60)]
    [InlineData("24h", 24 * 60)]
    [InlineData("7d", 7 * 24 * 60)]
    [InlineData("30D", 30 * 24 * 60)]
    [InlineData("90m", 90)]
    [InlineData("2w", 14 * 24 * 60)]
    public void Since_counts_back_from_now(string since, int minutes) =>
        Assert.Equal(Now.AddMinutes(-minutes), ReportQuery.Create(Now, since: since).From);

    [Fact]
    public void Times_with_offsets_become_utc_and_times_without_one_are_utc()
    {
        var query = ReportQuery.Create(Now, from: "2026-11-29T09:00:00+02:00", to: "2026-11-29T10:00:00");

        Assert.Equal(new DateTimeOffset(2026, 11, 29, 7, 0, 0, TimeSpan.Zero), query.From);
        Assert.Equal(TimeSpan.Zero, query.From!.Value.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero), query.To);
    }

    [Fact]
    public void A_date_alone_as_the_end_of_a_span_includes_that_whole_day() =>
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999), ReportQuery.Create(Now, to: "2026-11-29").To);

    [Fact]
    public void An_offset_whose_plus_became_a_space_in_a_url_still_reads_as_an_offset() =>
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero), ReportQuery.Create(Now, from: "2026-11-29T09:00:00 01:00").From);

    [Theory]
    [InlineData(-1, 60, 1000)]
    [InlineData(36_501, 60, 1000)]
    [InlineData(90, 0, 1000)]
    [InlineData(90, 10_081, 1000)]
    [InlineData(90, 60, 0)]
    public void Retention_settings_out_of_range_are_refused_naming_the_setting(int days, int interval, int batch)
    {
        var options = new ReportOptions { RetentionDays = days, PurgeIntervalMinutes = interval, PurgeBatchSize = batch };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.StartsWith("Reports:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enumerated_filters_are_case_insensitive_and_blank_ones_are_ignored()
    {
        var query = ReportQuery.Create(Now, user: "  ", outcome: "FAILURE", operation: "Member-Add", direction: "Inbound", app: " Entra ");

        Assert.Equal(("failure", "member-add", "inbound", "Entra"), (query.Outcome, query.Operation, query.Direction, query.App));
        Assert.Null(query.User);
        Assert.Null(query.From);
        Assert.Equal(ReportQuery.DefaultLimit, query.Limit);
    }

    [Fact]
    public void A_cursor_round_trips_and_a_forged_one_names_the_cursor_field()
    {
        var cursor = new ReportCursor("2026-11-29T12:00:00.0000000Z", 42);

        Assert.Equal(cursor, ReportCursor.Parse(cursor.ToString()));
        Assert.Equal("cursor", Assert.Throws<ReportQueryException>(() => ReportCursor.Parse("MjAyNnw0Mg")).Field);
    }

    [Theory]
    [InlineData("ali", "alj")]
    [InlineData("a\uD7FF", "a\uE000")]
    [InlineData("z\U0010FFFF", "{")]
    [InlineData("\u00e9", "\u00ea")]
    public void The_end_of_a_prefix_range_is_its_last_character_plus_one(string prefix, string end) =>
        Assert.Equal(end, ProvisioningReports.PrefixEnd(prefix));
}
