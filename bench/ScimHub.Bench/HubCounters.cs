using System.Globalization;

namespace ScimHub.Bench;

/// <summary>
/// Running totals read from the hub's <c>/metrics</c>: the time its SQLite write slot was held and the writes and group
/// commits that went through it (none on PostgreSQL), the bytes the runtime allocated, and the time garbage collections
/// paused the process. A scenario reads them before and after; the difference says what the scenario cost. A total the
/// exposition lacks is null.
/// </summary>
internal sealed record HubCounters(double? SlotHeldSeconds, double? Writes, double? Batches, double? AllocatedBytes, double? GcPauseSeconds)
{
    /// <summary>Reads the totals from a Prometheus text exposition.</summary>
    public static HubCounters Parse(string exposition)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        var lines = exposition.Split('\n');
        double? Value(string name)
        {
            // "name{labels} value" or "name value"; a longer name that starts with this one is another metric.
            var line = lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal) && l.Length > name.Length && l[name.Length] is '{' or ' ');
            return line is null ? null : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        return new HubCounters(
            Value("scimhub_sqlite_write_slot_held_seconds_total"),
            Value("scimhub_sqlite_writes_total"),
            Value("scimhub_sqlite_batches_total"),
            Value("dotnet_gc_heap_total_allocated_bytes_total"),
            Value("dotnet_gc_pause_time_seconds_total"));
    }
}
