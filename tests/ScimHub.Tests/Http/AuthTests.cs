using System.Net;
using ScimHub.Provisioning.Apps;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

public sealed class AuthTests(HubFactory hub)
{
    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("scimhub_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Missing_or_wrong_token_is_401_with_a_scim_body_and_WWW_Authenticate(string token)
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.GetAsync("/Users", bearer: token);

        response.AssertError(HttpStatusCode.Unauthorized, null);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_works_only_on_its_own_apps_base_url()
    {
        var mine = await hub.NewAppAsync();
        var other = await hub.NewAppInAsync(mine.DirectoryId);

        var response = await mine.GetAsync("/Users", bearer: other.Token);

        response.AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Fact]
    public async Task Discovery_endpoints_need_the_token_too()
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.GetAsync("/ServiceProviderConfig", bearer: "");

        response.AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Fact]
    public async Task Revoked_and_rotated_tokens_stop_working_at_once()
    {
        var scim = await hub.NewAppAsync();
        var apps = hub.Service<ProvisioningApps>();

        var rotated = await apps.RotateTokenAsync(scim.AppId, null, null, TestContext.Current.CancellationToken);
        var oldToken = await scim.GetAsync("/Users");
        var newToken = await scim.GetAsync("/Users", bearer: rotated!.Token);
        await apps.RevokeTokensAsync(scim.AppId, TestContext.Current.CancellationToken);
        var revoked = await scim.GetAsync("/Users", bearer: rotated.Token);

        oldToken.AssertError(HttpStatusCode.Unauthorized, null);
        Assert.Equal(HttpStatusCode.OK, newToken.Status);
        revoked.AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Fact]
    public void Tokens_carry_256_random_bits_and_only_their_hash_is_kept()
    {
        var token = AppTokens.NewToken();

        Assert.True(token.Length >= "scimhub_".Length + 43);
        Assert.NotEqual(token, AppTokens.NewToken());
        Assert.Equal(32, AppTokens.Hash(token).Length);
    }
}
