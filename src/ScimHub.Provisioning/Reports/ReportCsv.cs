using System.Globalization;
using System.Text;

namespace ScimHub.Provisioning.Reports;

/// <summary>
/// Provisioning events as CSV (RFC 4180): a header row, one row per event, fields with commas, quotes or line breaks
/// quoted (quotes doubled). A field that a spreadsheet would run as a formula (starting with =, +, -, @, a tab, a
/// line break, or a full-width =, +, -, @) is prefixed with an apostrophe, so that a userName such as
/// <c>=HYPERLINK(…)</c> stays text.
/// </summary>
public static class ReportCsv
{
    public static readonly IReadOnlyList<string> Header =
    [
        "time", "app_id", "app", "direction", "operation", "outcome", "resource_type", "resource_id", "user", "email", "external_id",
        "changes", "error_status", "error_scim_type", "error_detail", "correlation_id", "directory_id", "event_id",
    ];

    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<ProvisioningEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(events);
        await writer.WriteAsync(Line(Header));
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(Line(
            [
                Storage.Timestamps.Format(e.OccurredAt), e.AppId, e.AppName, e.Direction, e.Operation, e.Outcome,
                e.ResourceType, e.ResourceId, e.Subject, e.Email, e.ExternalId, e.Changes?.Text, e.ErrorStatus?.ToString(CultureInfo.InvariantCulture),
                e.ErrorScimType, e.ErrorDetail, e.CorrelationId, e.DirectoryId, e.Id.ToString(CultureInfo.InvariantCulture),
            ]));
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>One CSV record, ended with CRLF.</summary>
    public static string Line(IEnumerable<string?> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return string.Join(",", fields.Select(Field)) + "\r\n";
    }

    private static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\n' or '\uFF1D' or '\uFF0B' or '\uFF0D' or '\uFF20')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return value;
        }

        var quoted = new StringBuilder(value.Length + 2).Append('"');
        quoted.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        return quoted.Append('"').ToString();
    }
}
