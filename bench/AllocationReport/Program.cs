using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// AllocationReport <trace.nettrace>: the runtime's AllocationTick events (one per ~100 KB allocated, naming the type
// of the object that crossed the mark, with its call stack) summed by type, by the hub's methods (inclusive), and by
// type and the first hub method on the stack. Shares are of the sampled bytes, so they estimate where all bytes went.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: AllocationReport <trace.nettrace>");
    return 2;
}

var byType = new Dictionary<string, long>(StringComparer.Ordinal);
var byMethod = new Dictionary<string, long>(StringComparer.Ordinal);
var byTypeAndCaller = new Dictionary<string, long>(StringComparer.Ordinal);
long total = 0;
using (var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0])))
{
    foreach (var traceEvent in log.Events)
    {
        if (traceEvent is not GCAllocationTickTraceData tick)
        {
            continue;
        }

        var bytes = tick.AllocationAmount64;
        total += bytes;
        var type = tick.TypeName ?? "?";
        Add(byType, type, bytes);
        string? caller = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var frame = traceEvent.CallStack(); frame is not null; frame = frame.Caller)
        {
            var method = frame.CodeAddress.FullMethodName;
            if (string.IsNullOrEmpty(method) || !method.StartsWith("ScimHub.", StringComparison.Ordinal))
            {
                continue;
            }

            caller ??= method;
            if (seen.Add(method))
            {
                Add(byMethod, method, bytes);
            }
        }

        Add(byTypeAndCaller, $"{type}  <=  {caller ?? "(no hub method on the stack)"}", bytes);
    }
}

if (total == 0)
{
    Console.Error.WriteLine("no AllocationTick events in the trace (was it recorded with the GC keyword at verbose level?)");
    return 1;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampled {total / 1048576.0:F1} MiB of allocations"));
Print("by type", byType, 25);
Print("by hub method (inclusive: what it and everything it called allocated)", byMethod, 40);
Print("by type and the hub method nearest the allocation", byTypeAndCaller, 40);
return 0;

void Print(string title, Dictionary<string, long> sums, int top)
{
    Console.WriteLine($"== {title}");
    foreach (var (name, bytes) in sums.OrderByDescending(p => p.Value).Take(top))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100.0 * bytes / total,6:F1} %  {(name.Length > 200 ? name[..200] : name)}"));
    }
}

static void Add(Dictionary<string, long> sums, string key, long bytes) => sums[key] = sums.GetValueOrDefault(key) + bytes;
