using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// How busy SQLite's one write slot is (<see cref="SqliteWriter"/>), for /metrics: the time writers held it, the
/// writes that went through it, and the batches committed. Held time near wall-clock time means writers queue for the
/// slot, so the slot limits writes, not the cores; writes per batch is the group commit's batch size.
/// </summary>
public static class WriteSlotMetrics
{
    public const string MeterName = "ScimHub.Storage";

    private static readonly Meter Meter = new(MeterName);
    private static long heldTicks;
    private static long writes;
    private static long batches;

    static WriteSlotMetrics()
    {
        Meter.CreateObservableCounter("scimhub.sqlite.write_slot.held", () => Volatile.Read(ref heldTicks) / (double)Stopwatch.Frequency, "s",
            "Time SQLite writers held the write slot.");
        Meter.CreateObservableCounter("scimhub.sqlite.writes", () => Volatile.Read(ref writes), "{write}",
            "Writes kept in a batch by the write slot (counted as each writer leaves; a batch that fails later included).");
        Meter.CreateObservableCounter("scimhub.sqlite.batches", () => Volatile.Read(ref batches), "{batch}", "Group commits (batches of writes) made.");
        Meter.CreateObservableGauge("scimhub.sqlite.memory", SQLitePCL.raw.sqlite3_memory_used, "By",
            "Memory SQLite holds in this process: its connections' page caches, compiled statements and schemas.");
    }

    internal static void Held(long ticks) => Interlocked.Add(ref heldTicks, ticks);

    internal static void Write() => Interlocked.Increment(ref writes);

    internal static void Batch() => Interlocked.Increment(ref batches);
}
