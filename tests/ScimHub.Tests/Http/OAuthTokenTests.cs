using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ScimHub.Provisioning.Apps;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>
/// The client credentials grant (RFC 6749 §4.4) at an app's token endpoint, as Microsoft's gallery provisioning
/// sends it: an admin creates a client, the provider exchanges its id and secret for an access token, and uses that
/// token on the app's SCIM base URL.
/// </summary>
public sealed class OAuthTokenTests(HubFactory hub)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Client(ScimClient Scim, string Id, string Secret, string TokenPath);

    private async Task<Client> NewClientAsync(string body = "{}")
    {
        var scim = await hub.NewAppAsync();
        var admin = await AdminClient.CreateAsync(hub);
        var created = await admin.PostAsync($"/api/apps/{scim.AppId}/oauth-clients", body);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var tokenUrl = new Uri(created.Body!["tokenUrl"]!.GetValue<string>());
        Assert.Equal($"/oauth/{scim.AppId}/token", tokenUrl.AbsolutePath);
        return new Client(scim, created.Body["client"]!["clientId"]!.GetValue<string>(), created.Body["clientSecret"]!.GetValue<string>(), tokenUrl.AbsolutePath);
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PostTokenAsync(
        string path, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization = null)
    {
        using var http = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response);
    }

    private static AuthenticationHeaderValue Basic(string id, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(id)}:{Uri.EscapeDataString(secret)}")));

    private static KeyValuePair<string, string> Field(string name, string value) => new(name, value);

    [Fact]
    public async Task Client_credentials_by_Basic_give_an_access_token_that_provisions_through_the_scim_api()
    {
        var client = await NewClientAsync();

        var (status, body, response) = await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials")], Basic(client.Id, client.Secret));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("Bearer", body!["token_type"]!.GetValue<string>());
        Assert.Equal(3600, body["expires_in"]!.GetValue<int>());
        var accessToken = body["access_token"]!.GetValue<string>();
        var created = await client.Scim.SendAsync(HttpMethod.Post, "/Users", Bodies.User(Bodies.Unique("oauth")), bearer: accessToken);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        // Access tokens are not the admin's bearer tokens: the token list shows only the app's own one.
        var admin = await AdminClient.CreateAsync(hub);
        Assert.Single((await admin.GetAsync($"/api/apps/{client.Scim.AppId}/tokens")).Body!.AsArray());
        var listed = (await admin.GetAsync($"/api/apps/{client.Scim.AppId}/oauth-clients")).Body!.AsArray().Single()!;
        Assert.Equal(client.Id, listed["clientId"]!.GetValue<string>());
        Assert.NotNull(listed["lastUsed"]);
        Assert.DoesNotContain(client.Secret, listed.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_secret_can_be_sent_in_the_form_and_a_requested_scope_is_echoed()
    {
        var client = await NewClientAsync("""{ "name": "Entra gallery", "accessTokenLifetime": "6h" }""");

        var (status, body, _) = await PostTokenAsync(client.TokenPath,
            [Field("grant_type", "client_credentials"), Field("client_id", client.Id), Field("client_secret", client.Secret), Field("scope", "scim")]);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(6 * 3600, body!["expires_in"]!.GetValue<int>());
        Assert.Equal("scim", body["scope"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.Scim.GetAsync("/Users", bearer: body["access_token"]!.GetValue<string>())).Status);
    }

    [Fact]
    public async Task A_wrong_secret_an_unknown_client_or_another_apps_client_is_invalid_client()
    {
        var client = await NewClientAsync();
        var other = await NewClientAsync();

        var attempts = new[]
        {
            await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials")], Basic(client.Id, client.Secret + "x")),
            await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials")], Basic("scimhub_client_nobody", client.Secret)),
            await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials")], Basic(other.Id, other.Secret)),
            await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials")]),
            await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials")], new AuthenticationHeaderValue("Basic", "%%%not-base64")),
        };

        Assert.All(attempts, a =>
        {
            Assert.Equal(HttpStatusCode.Unauthorized, a.Status);
            Assert.Equal("invalid_client", a.Body!["error"]!.GetValue<string>());
            Assert.StartsWith("Basic", a.Response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Null(a.Body["access_token"]);
        });
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "no grant_type", "invalid_request" },
        { "password grant", "unsupported_grant_type" },
        { "JSON body", "invalid_request" },
        { "Basic and form secret", "invalid_request" },
        { "client assertion", "invalid_request" },
        { "grant_type twice", "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Malformed_token_requests_get_rfc_6749_errors_and_no_token(string kind, string error)
    {
        var client = await NewClientAsync();
        var basic = Basic(client.Id, client.Secret);

        (HttpStatusCode Status, JsonNode? Body, HttpResponseMessage _) answer = kind switch
        {
            "no grant_type" => await PostTokenAsync(client.TokenPath, [], basic),
            "password grant" => await PostTokenAsync(client.TokenPath, [Field("grant_type", "password"), Field("username", "u"), Field("password", "p")], basic),
            "Basic and form secret" => await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials"), Field("client_secret", client.Secret)], basic),
            "client assertion" => await PostTokenAsync(client.TokenPath,
                [Field("grant_type", "client_credentials"), Field("client_id", client.Id), Field("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), Field("client_assertion", "eyJ")]),
            "grant_type twice" => await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials"), Field("grant_type", "client_credentials")], basic),
            _ => await JsonTokenRequestAsync(client.TokenPath, basic),
        };

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(error, answer.Body!["error"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(answer.Body["error_description"]!.GetValue<string>()));
        Assert.Null(answer.Body["access_token"]);
    }

    private async Task<(HttpStatusCode, JsonNode?, HttpResponseMessage)> JsonTokenRequestAsync(string path, AuthenticationHeaderValue basic)
    {
        using var http = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("""{"grant_type":"client_credentials"}""", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = basic;
        var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct)), response);
    }

    [Fact]
    public async Task Revoking_a_client_stops_its_access_tokens_at_once()
    {
        var client = await NewClientAsync();
        var admin = await AdminClient.CreateAsync(hub);
        var (_, body, _) = await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials")], Basic(client.Id, client.Secret));
        var accessToken = body!["access_token"]!.GetValue<string>();

        var revoked = await admin.DeleteAsync($"/api/apps/{client.Scim.AppId}/oauth-clients/{client.Id}");
        var again = await admin.DeleteAsync($"/api/apps/{client.Scim.AppId}/oauth-clients/{client.Id}");

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (revoked.Status, again.Status));
        (await client.Scim.GetAsync("/Users", bearer: accessToken)).AssertError(HttpStatusCode.Unauthorized, null);
        var (status, refused, _) = await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials")], Basic(client.Id, client.Secret));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (status, refused!["error"]!.GetValue<string>()));
        // The app's own bearer token is untouched.
        Assert.Equal(HttpStatusCode.OK, (await client.Scim.GetAsync("/Users")).Status);
    }

    [Fact]
    public async Task A_multipart_body_or_one_over_the_form_limits_is_an_rfc_6749_invalid_request_not_a_server_error()
    {
        var client = await NewClientAsync();
        using var http = hub.CreateClient();
        using var multipart = new MultipartFormDataContent { { new StringContent("client_credentials"), "grant_type" } };
        using var tooMany = new FormUrlEncodedContent(Enumerable.Range(0, 1100).Select(i => Field($"f{i}", "x")).Prepend(Field("grant_type", "client_credentials")));

        foreach (HttpContent content in new HttpContent[] { multipart, tooMany })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, client.TokenPath) { Content = content };
            request.Headers.Authorization = Basic(client.Id, client.Secret);
            using var response = await http.SendAsync(request, Ct);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_grant_racing_the_revocation_of_its_client_never_leaves_a_working_token()
    {
        var clients = hub.Service<OAuthClients>();
        for (var round = 0; round < 10; round++)
        {
            var client = await NewClientAsync();
            var grant = Task.Run(() => clients.GrantAsync(client.Scim.AppId, client.Id, client.Secret, Ct), Ct);
            var revoke = Task.Run(() => clients.RevokeAsync(client.Scim.AppId, client.Id, Ct), Ct);
            await Task.WhenAll(grant, revoke);

            if ((await grant).AccessToken is { } token)
            {
                (await client.Scim.GetAsync("/Users", bearer: token)).AssertError(HttpStatusCode.Unauthorized, null);
            }
        }
    }

    [Fact]
    public async Task Revoking_every_token_of_an_app_also_revokes_its_clients()
    {
        var client = await NewClientAsync();
        var (_, body, _) = await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials")], Basic(client.Id, client.Secret));

        await hub.Service<ProvisioningApps>().RevokeTokensAsync(client.Scim.AppId, Ct);

        (await client.Scim.GetAsync("/Users", bearer: body!["access_token"]!.GetValue<string>())).AssertError(HttpStatusCode.Unauthorized, null);
        var (status, refused, _) = await PostTokenAsync(client.TokenPath, [Field("grant_type", "client_credentials")], Basic(client.Id, client.Secret));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (status, refused!["error"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("""{ "accessTokenLifetime": "30m" }""", "accessTokenLifetime")]
    [InlineData("""{ "accessTokenLifetime": "7h" }""", "accessTokenLifetime")]
    [InlineData("""{ "accessTokenLifetime": "soon" }""", "accessTokenLifetime")]
    [InlineData("""{ "expires": "2001-01-01" }""", "expires")]
    [InlineData("""{ "name": "" }""", "name")]
    [InlineData("""{ "secret": "mine" }""", "secret")]
    public async Task Bad_client_settings_are_a_400_naming_the_field_and_create_no_client(string body, string field)
    {
        var scim = await hub.NewAppAsync();
        var admin = await AdminClient.CreateAsync(hub);

        var response = await admin.PostAsync($"/api/apps/{scim.AppId}/oauth-clients", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.NotNull(response.Body!["errors"]![field]);
        Assert.Empty((await admin.GetAsync($"/api/apps/{scim.AppId}/oauth-clients")).Body!.AsArray());
    }
}
