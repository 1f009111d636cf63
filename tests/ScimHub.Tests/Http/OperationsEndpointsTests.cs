using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using ScimHub.Provisioning.Storage;
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
    public async Task Metrics_show_how_long_the_sqlite_write_slot_was_held_how_many_writes_and_batches_went_through_and_the_memory_sqlite_holds()
    {
        // The counters as the exporter reads them, before and after a create (other tests write too: at least ours).
        using var listener = new MeterListener();
        var values = new ConcurrentDictionary<string, double>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WriteSlotMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        var scim = await hub.NewAppAsync();
        listener.RecordObservableInstruments();
        var before = new Dictionary<string, double>(values);

        Assert.Equal(HttpStatusCode.Created, (await scim.PostAsync("/Users", Bodies.User($"slot-{Guid.NewGuid():N}@contoso.com"))).Status);
        listener.RecordObservableInstruments();
        var text = await scim.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.True(values["scimhub.sqlite.write_slot.held"] > before["scimhub.sqlite.write_slot.held"]);
        Assert.True(values["scimhub.sqlite.writes"] >= before["scimhub.sqlite.writes"] + 1);
        Assert.True(values["scimhub.sqlite.batches"] >= before["scimhub.sqlite.batches"] + 1);
        // Open connections hold page caches and compiled statements: never nothing once the hub has written.
        Assert.True(values["scimhub.sqlite.memory"] > 0);
        // Every write of this hub, its app's included, came before any scrape of it: the names are in the first one.
        Assert.All(["scimhub_sqlite_write_slot_held_seconds_total", "scimhub_sqlite_writes_total", "scimhub_sqlite_batches_total", "scimhub_sqlite_memory_bytes"],
            name => Assert.Contains(name, text, StringComparison.Ordinal));
    }
}
