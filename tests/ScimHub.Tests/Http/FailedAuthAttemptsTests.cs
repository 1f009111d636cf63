using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ScimHub.Provisioning.Admin;
using ScimHub.Provisioning.Apps;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>
/// Failed authentications are limited per client address (here 3 a minute): past the limit, failures get 429 with
/// Retry-After, on the SCIM API, the token endpoint and the admin API alike, while valid credentials from the same
/// address keep working.
/// </summary>
public sealed class FailedAuthAttemptsTests
{
    [Fact]
    public async Task Failures_past_the_limit_get_429_and_valid_credentials_from_the_same_address_still_work()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync();
        await using var hub = new IsolatedHubFactory(store, ("Auth:FailedAttemptsPerMinute", "3"), ("Reports:RetentionDays", "0"));
        var scim = await hub.NewAppAsync();
        var services = hub.Services;
        var (client, secret) = (await ((OAuthClients)services.GetService(typeof(OAuthClients))!).CreateAsync(scim.AppId, null, null, null, ct))!.Value;
        var (_, adminKey) = await ((AdminKeys)services.GetService(typeof(AdminKeys))!).CreateAsync("t", ct);

        var failures = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            failures.Add((await scim.GetAsync("/Users", bearer: "scimhub_wrong")).Status);
        }

        var limited = await scim.GetAsync("/Users", bearer: "scimhub_wrong");
        var valid = await scim.GetAsync("/Users");
        using var http = hub.CreateClient();
        using var badGrant = new HttpRequestMessage(HttpMethod.Post, $"/oauth/{scim.AppId}/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_id", client.Id), new("client_secret", "wrong")]),
        };
        using var badGrantResponse = await http.SendAsync(badGrant, ct);
        using var goodGrant = new HttpRequestMessage(HttpMethod.Post, $"/oauth/{scim.AppId}/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        goodGrant.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.Id}:{secret}")));
        using var goodGrantResponse = await http.SendAsync(goodGrant, ct);
        var admin = new AdminClient(hub.CreateClient(), adminKey);
        var badAdmin = await admin.GetAsync("/api/apps", bearer: "scimhub_admin_wrong");
        var goodAdmin = await admin.GetAsync("/api/apps");

        Assert.All(failures, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        limited.AssertError(HttpStatusCode.TooManyRequests, null);
        Assert.Equal("60", limited.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, valid.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, badGrantResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, goodGrantResponse.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, badAdmin.Status);
        Assert.Equal("application/problem+json", badAdmin.MediaType);
        Assert.Equal(HttpStatusCode.OK, goodAdmin.Status);
    }
}
