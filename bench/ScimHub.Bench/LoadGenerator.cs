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

    public LoadGenerator(Uri baseAddress, string? token, Func<TimeSpan> serverCpu)
    {
        this.serverCpu = serverCpu;
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
        var cpuBefore = serverCpu();
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
        var first = latencies[0];
        var last = latencies[count - 1];
        Array.Sort(latencies);
        return new LoadResult(count, errors, clock.Elapsed, latencies[count / 2], latencies[Math.Min(count - 1, (int)(count * 0.99))], first, last, cpu);
    }

    public void Dispose() => http.Dispose();
}
