using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ScimHub.Cli;

namespace ScimHub.Tests.Support;

/// <summary>An app created the way an admin does it, with `scimhub apps create`, and what the command printed.</summary>
public sealed record CliApp(string ScimBaseUrl, string Token)
{
    public string BasePath => new Uri(ScimBaseUrl).AbsolutePath;

    public static async Task<CliApp> CreateAsync(IEnumerable<string> storageArguments, string publicUrl)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HubCommandLine.RunAsync(["apps", "create", "--name", "Microsoft Entra ID", .. storageArguments, "--base-url", publicUrl], output, error);
        Assert.True(code == 0, error.ToString());
        return new CliApp(Line(output.ToString(), "SCIM Base URL:"), Line(output.ToString(), "Bearer token:"));
    }

    /// <summary>The text after a label such as "Bearer token:" in the CLI's output.</summary>
    public static string Line(string output, string label) =>
        output.Split('\n').Single(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Trim();

    /// <summary>A client of one hub process, sending this app's token.</summary>
    public HttpClient Client(Uri hub)
    {
        var http = new HttpClient { BaseAddress = hub, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    /// <summary>Sends a SCIM request to a path under the app's base URL.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, BasePath + path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/scim+json");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
