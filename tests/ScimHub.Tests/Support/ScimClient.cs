using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ScimHub.Tests.Support;

/// <summary>An HTTP client on one app's SCIM base URL, sending that app's bearer token.</summary>
public sealed class ScimClient(HttpClient http, string appId, string directoryId, string token)
{
    public string AppId => appId;

    public string DirectoryId => directoryId;

    public string Token => token;

    public string BasePath => $"/scim/{appId}/v2";

    public HttpClient Http => http;

    public Task<ScimResponse> GetAsync(string path, string? bearer = null) => SendAsync(HttpMethod.Get, path, null, bearer);

    public Task<ScimResponse> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public Task<ScimResponse> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json);

    public Task<ScimResponse> PatchAsync(string path, string json) => SendAsync(HttpMethod.Patch, path, json);

    public Task<ScimResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    public async Task<ScimResponse> SendAsync(HttpMethod method, string path, string? json, string? bearer = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, BasePath + path);
        if (bearer != "")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer ?? token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/scim+json");
        }

        configure?.Invoke(request);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new ScimResponse(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Content.Headers.ContentType?.MediaType, response.Headers);
    }

    /// <summary>Creates a user from a minimal Entra-shaped body and returns its id.</summary>
    public async Task<string> CreateUserAsync(string userName, string? extra = null)
    {
        var response = await PostAsync("/Users", Bodies.User(userName, extra));
        Assert.Equal(HttpStatusCode.Created, response.Status);
        return response.Id;
    }

    public async Task<string> CreateGroupAsync(string displayName)
    {
        var response = await PostAsync("/Groups", Bodies.Group(displayName));
        Assert.Equal(HttpStatusCode.Created, response.Status);
        return response.Id;
    }
}

public sealed record ScimResponse(HttpStatusCode Status, JsonNode? Body, string? ContentType, HttpResponseHeaders Headers)
{
    public string Id => Body!["id"]!.GetValue<string>();

    public JsonArray Items => Body!["Resources"]!.AsArray();

    public int TotalResults => Body!["totalResults"]!.GetValue<int>();

    public string? ScimType => Body?["scimType"]?.GetValue<string>();

    /// <summary>Asserts an RFC 7644 error: status, scimType, the error schema and the SCIM media type.</summary>
    public ScimResponse AssertError(HttpStatusCode status, string? scimType)
    {
        Assert.Equal(status, Status);
        Assert.Equal("application/scim+json", ContentType);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", Body!["schemas"]![0]!.GetValue<string>());
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), Body["status"]!.GetValue<string>());
        Assert.Equal(scimType, ScimType);
        Assert.False(string.IsNullOrWhiteSpace(Body["detail"]?.GetValue<string>()));
        return this;
    }
}
