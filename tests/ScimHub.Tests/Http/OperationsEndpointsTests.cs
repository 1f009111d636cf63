using System.Net;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>What a load balancer and a monitoring system read: liveness, readiness and Prometheus metrics.</summary>
public sealed class OperationsEndpointsTests(HubFactory hub)
{
    [Fact]
    public async Task Healthz_and_readyz_answer_200_when_the_database_is_up()
    {
        var http = hub.CreateClient();

        using var live = await http.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (live.StatusCode, ready.StatusCode));
    }

    [Fact]
    public async Task Metrics_show_scim_request_durations_by_route_in_prometheus_format()
    {
        var scim = await hub.NewAppAsync();
        await scim.GetAsync("/Users?filter=userName%20eq%20%22nobody%22");

        var text = "";
        for (var attempt = 0; attempt < 50 && !text.Contains("/scim/{appId}/v2/Users", StringComparison.Ordinal); attempt++)
        {
            // The exporter caches a scrape for a moment; a request made just before may show in the next one.
            text = await scim.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Contains("/scim/{appId}/v2/Users", text, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Storage", "SqliteOnly")]
    public async Task Metrics_show_how_long_the_sqlite_write_slot_was_held_and_how_many_writes_and_batches_went_through()
    {
        var scim = await hub.NewAppAsync();
        Assert.Equal(HttpStatusCode.Created, (await scim.PostAsync("/Users", Bodies.User($"slot-{Guid.NewGuid():N}@contoso.com"))).Status);

        string[] names = ["scimhub_sqlite_write_slot_held_seconds_total", "scimhub_sqlite_writes_total", "scimhub_sqlite_batches_total"];
        var values = new double?[names.Length];
        for (var attempt = 0; attempt < 50 && values.Any(v => v is null or 0); attempt++)
        {
            // The exporter caches a scrape for a moment; a write made just before may show in the next one.
            var lines = (await scim.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken)).Split('\n');
            for (var i = 0; i < names.Length; i++)
            {
                // name{labels} value [timestamp]
                values[i] = lines.FirstOrDefault(l => l.StartsWith(names[i] + "{", StringComparison.Ordinal) || l.StartsWith(names[i] + " ", StringComparison.Ordinal)) is { } line
                    ? double.Parse(line[(line.IndexOf("} ", StringComparison.Ordinal) is var end and >= 0 ? end + 2 : names[i].Length + 1)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)
                    : null;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.All(values, value => Assert.True(value > 0, $"{string.Join(", ", names)}: {string.Join(", ", values)}"));
    }
}
