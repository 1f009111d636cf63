using System.Diagnostics;
using System.Net.Http.Headers;

namespace ScimHub.Bench;

/// <summary>
/// Sends N requests with a fixed number in flight, over HTTP/1.1 keep-alive connections, and times each; and reads
/// how much CPU time the server process spent meanwhile (read with the function given to the constructor).
/// </summary>
internal sealed class LoadGenerator : IDisposable
{
    private readonly HttpClient http;
    private readonly Func<TimeSpan> serverCpu;
    private readonly Func<Task<HubCounters>>? counters;

    /// <summary><paramref name="counters"/>, if given, reads the hub's running totals (<see cref="HubCounters"/>).</summary>
    public LoadGenerator(Uri baseAddress, string? token, Func<TimeSpan> serverCpu, Func<Task<HubCounters>>? counters = null)
    {
        this.serverCpu = serverCpu;
        this.counters = counters;
        http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(2),
        };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public HttpClient Http => http;

    /// <summary>Runs <paramref name="count"/> requests made by <paramref name="request"/>(i); a status outside 2xx counts as an error.</summary>
    public async Task<LoadResult> RunAsync(int count, int concurrency, Func<int, HttpRequestMessage> request, Func<int, HttpResponseMessage, Task>? onResponse = null)
    {
        var latencies = new double[count];
        var next = -1;
        var errors = 0;
        var countersBefore = counters is null ? null : await counters();
        var cpuBefore = serverCpu();
        var machineBefore = MachineCpu.Read();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var message = request(i);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(message);
                    if (onResponse is not null)
                    {
                        await onResponse(i, response);
                    }
                    else
                    {
                        await response.Content.CopyToAsync(Stream.Null);
                    }

                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }

                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        clock.Stop();
        var cpu = serverCpu() - cpuBefore;
        var busy = MachineCpu.Read().BusySince(machineBefore);
        var countersAfter = counters is null ? null : await counters();
        // The hub's exporter caches a scrape for a moment: a burst shorter than a few seconds is not told.
        var told = countersBefore is not null && countersAfter is not null && clock.Elapsed >= TimeSpan.FromSeconds(2);
        var slotBusy = told && countersAfter!.SlotHeldSeconds - countersBefore!.SlotHeldSeconds is { } held ? held / clock.Elapsed.TotalSeconds : (double?)null;
        var batches = told ? countersAfter!.Batches - countersBefore!.Batches : null;
        var perBatch = batches > 0 ? (countersAfter!.Writes - countersBefore!.Writes) / batches : null;
        var allocated = told ? (countersAfter!.AllocatedBytes - countersBefore!.AllocatedBytes) / count : null;
        var gcPaused = told ? (countersAfter!.GcPauseSeconds - countersBefore!.GcPauseSeconds) / clock.Elapsed.TotalSeconds : null;
        var first = latencies[0];
        var last = latencies[count - 1];
        Array.Sort(latencies);
        return new LoadResult(count, errors, clock.Elapsed, latencies[count / 2], latencies[Math.Min(count - 1, (int)(count * 0.99))], first, last, cpu, busy, slotBusy, perBatch, allocated, gcPaused);
    }

    public void Dispose() => http.Dispose();
}

/// <summary>The machine's CPU counters (/proc/stat, all cores): whether a scenario kept every core busy.</summary>
internal readonly record struct MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        // cpu  user nice system idle iowait irq softirq steal ...: idle and iowait are the idle time.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        return new MachineCpu(total - fields[3] - fields[4], total);
    }

    /// <summary>The share of all cores' time spent busy since <paramref name="before"/>.</summary>
    public double BusySince(MachineCpu before) => Total == before.Total ? 0 : (double)(Busy - before.Busy) / (Total - before.Total);
}
