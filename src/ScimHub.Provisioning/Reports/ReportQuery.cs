using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ScimHub.Provisioning.Reports;

/// <summary>A filter given to a report search that it cannot use; <see cref="InvalidInputException.Field"/> names it.</summary>
public sealed class ReportQueryException(string field, string message) : InvalidInputException(field, message);

/// <summary>
/// A Provisioning Report search: a time span plus optional filters (end-user identifier, app name, outcome,
/// operation, direction, correlation id), a page size and where the previous page ended.
/// </summary>
public sealed partial record ReportQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    /// <summary>Presets of the report page's time span picker, accepted by <see cref="Create"/> as <c>since</c>.</summary>
    public static readonly IReadOnlyList<string> SincePresets = ["1h", "24h", "7d", "30d"];

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Matches any identifier of an event (hub id, userName, email, externalId, group name, member), case-insensitively.</summary>
    public string? User { get; init; }

    /// <summary>True: <see cref="User"/> must equal an identifier; false: it may be a prefix of one.</summary>
    public bool ExactUser { get; init; }

    /// <summary>The app's name, case-insensitive.</summary>
    public string? App { get; init; }

    public string? Outcome { get; init; }

    public string? Operation { get; init; }

    public string? Direction { get; init; }

    public string? CorrelationId { get; init; }

    public int Limit { get; init; } = DefaultLimit;

    public ReportCursor? After { get; init; }

    /// <summary>
    /// Builds a query from text as typed in a URL or a terminal. Times are ISO-8601 (an offset or Z; without one,
    /// UTC); <paramref name="since"/> is a duration back from <paramref name="now"/> such as <c>1h</c>, <c>24h</c>,
    /// <c>7d</c>, <c>30d</c> or <c>90m</c>. Anything unusable throws <see cref="ReportQueryException"/> naming the field.
    /// </summary>
    public static ReportQuery Create(DateTimeOffset now, string? user = null, bool exactUser = false, string? app = null, string? from = null, string? to = null,
        string? since = null, string? outcome = null, string? operation = null, string? direction = null, string? correlationId = null, string? limit = null, string? cursor = null)
    {
        var fromTime = Time(from, "from");
        if (!string.IsNullOrWhiteSpace(since))
        {
            if (fromTime is not null)
            {
                throw new ReportQueryException("since", "Give either 'since' or 'from', not both.");
            }

            fromTime = now - Duration(since, "since");
        }

        var toTime = Time(to, "to");
        if (toTime is not null && DateOnly.TryParseExact(to!.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            // A date alone as the end of a span means the whole of that day (UTC).
            toTime = toTime.Value.AddDays(1).AddTicks(-1);
        }

        if (fromTime is not null && toTime is not null && toTime < fromTime)
        {
            throw new ReportQueryException("to", $"'to' ({toTime:O}) is before 'from' ({fromTime:O}).");
        }

        var size = DefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxLimit))
        {
            throw new ReportQueryException("limit", $"'limit' must be a whole number from 1 to {MaxLimit}; got '{limit}'.");
        }

        return new ReportQuery
        {
            From = fromTime,
            To = toTime,
            User = Blank(user)?.Trim(),
            ExactUser = exactUser,
            App = Blank(app)?.Trim(),
            Outcome = OneOf(outcome, "outcome", EventOutcomes.All),
            Operation = OneOf(operation, "operation", EventOperations.All),
            Direction = OneOf(direction, "direction", EventDirections.All),
            CorrelationId = Blank(correlationId)?.Trim(),
            Limit = size,
            After = string.IsNullOrWhiteSpace(cursor) ? null : ReportCursor.Parse(cursor),
        };
    }

    /// <summary><c>90m</c>, <c>24h</c>, <c>7d</c>, <c>2w</c>; an error names <paramref name="field"/>.</summary>
    public static TimeSpan Duration(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount is < 1 or > 100_000)
        {
            throw new ReportQueryException(field, $"'{text}' is not a duration: use a number and a unit, m (minutes), h (hours), d (days) or w (weeks), e.g. {string.Join(", ", SincePresets)}.");
        }

        return match.Groups[2].Value.ToLowerInvariant() switch
        {
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => TimeSpan.FromDays(7.0 * amount),
        };
    }

    private static DateTimeOffset? Time(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // In a URL query a '+' of an offset (…T09:00:00+01:00) arrives as a space unless it was encoded: put it back.
        var trimmed = OffsetAfterSpace().Replace(text.Trim(), "+$1");
        if (!DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new ReportQueryException(field, $"'{field}' must be an ISO-8601 time such as 2026-11-29T08:00:00Z or 2026-11-29T09:00:00+01:00; got '{text}'.");
        }

        return time;
    }

    private static string? OneOf(string? text, string field, IReadOnlyList<string> allowed)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = text.Trim().ToLowerInvariant();
        return allowed.Contains(value)
            ? value
            : throw new ReportQueryException(field, $"'{field}' must be one of {string.Join(", ", allowed)}; got '{text}'.");
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    [GeneratedRegex("^([0-9]+)\\s*([mhdwMHDW])$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex("(?<=[0-9]) ([0-9]{2}:?[0-9]{2})$")]
    private static partial Regex OffsetAfterSpace();
}

/// <summary>Where a page of a report ended: the last event's time and id (events with equal times are ordered by id).</summary>
public sealed record ReportCursor(string OccurredAt, long Id)
{
    public override string ToString() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{OccurredAt}|{Id.ToString(CultureInfo.InvariantCulture)}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static ReportCursor Parse(string text)
    {
        try
        {
            var base64 = text.Trim().Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('|');
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                Storage.Timestamps.Parse(parts[0]);
                return new ReportCursor(parts[0], id);
            }
        }
        catch (FormatException)
        {
            // Falls through to the error below.
        }

        throw new ReportQueryException("cursor", "'cursor' is not a cursor this hub returned; start again without it.");
    }
}
