using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ScimHub.Provisioning.Admin;

namespace ScimHub.Tests.Support;

/// <summary>A client of the admin REST API holding a fresh admin key.</summary>
public sealed class AdminClient(HttpClient http, string key)
{
    public string Key => key;

    public static async Task<AdminClient> CreateAsync(HubFactory hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var (_, secret) = await hub.Service<AdminKeys>().CreateAsync("tests", TestContext.Current.CancellationToken);
        return new AdminClient(hub.CreateClient(), secret);
    }

    /// <summary>A GET of the admin API: status, body as JSON (when it is JSON), body as text, and the headers.</summary>
    public Task<AdminResponse> GetAsync(string pathAndQuery, string? bearer = null) => SendAsync(HttpMethod.Get, pathAndQuery, null, bearer);

    public Task<AdminResponse> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public Task<AdminResponse> PatchAsync(string path, string json) => SendAsync(HttpMethod.Patch, path, json);

    public Task<AdminResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    /// <summary>A request to the admin API with an optional JSON body (<paramref name="content"/>); <paramref name="bearer"/> "" sends no key.</summary>
    public async Task<AdminResponse> SendAsync(HttpMethod method, string pathAndQuery, string? content, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (content is not null)
        {
            request.Content = new StringContent(content, System.Text.Encoding.UTF8, "application/json");
        }

        if (bearer != "")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer ?? key);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var json = mediaType?.Contains("json", StringComparison.Ordinal) == true && text.Length > 0 ? JsonNode.Parse(text) : null;
        return new AdminResponse(response.StatusCode, json, text, mediaType, response.Content.Headers.ContentDisposition?.ToString(), response.Headers.WwwAuthenticate.ToString(), response.Headers.Location);
    }

    /// <summary>The events of a report search (one page), asserting a 200.</summary>
    public async Task<JsonArray> EventsAsync(string query)
    {
        var response = await GetAsync("/api/reports/provisioning?" + query);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.Body!["events"]!.AsArray();
    }

    /// <summary>Every event of one app (tests give each app a unique name), oldest first.</summary>
    public async Task<List<JsonNode>> EventsOfAppAsync(string appName)
    {
        var events = await EventsAsync("limit=1000&app=" + Uri.EscapeDataString(appName));
        return events.Select(e => e!).Reverse().ToList();
    }
}

public sealed record AdminResponse(HttpStatusCode Status, JsonNode? Body, string Text, string? MediaType, string? ContentDisposition, string WwwAuthenticate, Uri? Location = null);
