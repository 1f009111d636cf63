using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ScimHub.Provisioning.Apps;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

/// <summary>
/// Bearer tokens over time, on a hub whose clock the test moves: expiry, several tokens at once, rotation with
/// overlap, revocation of one, and the last-used time an admin sees.
/// </summary>
public sealed class AppTokenTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));
    private TestStore store = null!;
    private IsolatedHubFactory hub = null!;
    private ScimClient scim = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ProvisioningApps Apps => hub.Services.GetRequiredService<ProvisioningApps>();

    public async ValueTask InitializeAsync()
    {
        store = await TestStore.CreateAsync();
        hub = new IsolatedHubFactory(store, ("Reports:RetentionDays", "0")) { Time = clock };
        scim = await hub.NewAppAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        await store.DisposeAsync();
    }

    [Fact]
    public async Task A_token_with_an_expiry_works_until_then_and_is_refused_after_saying_it_expired()
    {
        var token = await Apps.IssueTokenAsync(scim.AppId, "pilot", clock.GetUtcNow().AddDays(30), Ct);

        clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        var before = await scim.GetAsync("/Users", bearer: token!.Token);
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await scim.GetAsync("/Users", bearer: token.Token);

        Assert.Equal(HttpStatusCode.OK, before.Status);
        after.AssertError(HttpStatusCode.Unauthorized, null);
        Assert.Contains("expired at 2026-12-29T09:00:00", after.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("expired", (await Apps.ListTokensAsync(scim.AppId, Ct))!.Single(t => t.Id == token.TokenId).StateAt(clock.GetUtcNow()));
    }

    [Fact]
    public async Task Several_tokens_work_at_once_and_revoking_one_leaves_the_others()
    {
        var second = await Apps.IssueTokenAsync(scim.AppId, "second", null, Ct);

        var firstWorks = await scim.GetAsync("/Users");
        var secondWorks = await scim.GetAsync("/Users", bearer: second!.Token);
        Assert.True(await Apps.RevokeTokenAsync(scim.AppId, second.TokenId, Ct));
        var secondRevoked = await scim.GetAsync("/Users", bearer: second.Token);
        var firstStill = await scim.GetAsync("/Users");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (firstWorks.Status, secondWorks.Status, firstStill.Status));
        secondRevoked.AssertError(HttpStatusCode.Unauthorized, null);
        Assert.Contains("revoked", secondRevoked.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(await Apps.RevokeTokenAsync(scim.AppId, second.TokenId, Ct));
        Assert.Null(await Apps.RevokeTokenAsync("no-such-app", second.TokenId, Ct));
    }

    [Fact]
    public async Task Rotation_with_overlap_keeps_earlier_tokens_working_until_the_overlap_ends()
    {
        var rotated = await Apps.RotateTokenAsync(scim.AppId, null, TimeSpan.FromHours(24), Ct);

        clock.Advance(TimeSpan.FromHours(23));
        var oldDuringOverlap = await scim.GetAsync("/Users");
        var newDuringOverlap = await scim.GetAsync("/Users", bearer: rotated!.Token);
        clock.Advance(TimeSpan.FromHours(1));
        var oldAfter = await scim.GetAsync("/Users");
        var newAfter = await scim.GetAsync("/Users", bearer: rotated.Token);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (oldDuringOverlap.Status, newDuringOverlap.Status, newAfter.Status));
        oldAfter.AssertError(HttpStatusCode.Unauthorized, null);
        Assert.Null(rotated.Expires);
    }

    [Fact]
    public async Task Rotation_with_overlap_does_not_extend_a_token_that_expires_sooner()
    {
        var shortLived = await Apps.IssueTokenAsync(scim.AppId, "short", clock.GetUtcNow().AddHours(1), Ct);

        await Apps.RotateTokenAsync(scim.AppId, null, TimeSpan.FromDays(7), Ct);

        var listed = (await Apps.ListTokensAsync(scim.AppId, Ct))!.Single(t => t.Id == shortLived!.TokenId);
        Assert.Equal(clock.GetUtcNow().AddHours(1), listed.Expires);
    }

    [Fact]
    public async Task Rotation_without_overlap_retires_earlier_tokens_at_once()
    {
        var rotated = await Apps.RotateTokenAsync(scim.AppId, clock.GetUtcNow().AddDays(365), null, Ct);

        var old = await scim.GetAsync("/Users");
        var fresh = await scim.GetAsync("/Users", bearer: rotated!.Token);

        old.AssertError(HttpStatusCode.Unauthorized, null);
        Assert.Equal(HttpStatusCode.OK, fresh.Status);
        Assert.Equal(clock.GetUtcNow().AddDays(365), rotated.Expires);
    }

    [Fact]
    public async Task The_last_use_of_a_token_is_shown_to_the_minute()
    {
        var first = (await Apps.ListTokensAsync(scim.AppId, Ct))!.Single();
        Assert.Null(first.LastUsed);

        await scim.GetAsync("/Users");
        var usedAt = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromSeconds(30));
        await scim.GetAsync("/Users");
        var withinTheMinute = (await Apps.ListTokensAsync(scim.AppId, Ct))!.Single().LastUsed;
        clock.Advance(TimeSpan.FromSeconds(31));
        await scim.GetAsync("/Users");
        var aMinuteLater = (await Apps.ListTokensAsync(scim.AppId, Ct))!.Single().LastUsed;

        Assert.Equal(usedAt, withinTheMinute);
        Assert.Equal(clock.GetUtcNow(), aMinuteLater);
    }

    [Fact]
    public async Task An_expiry_in_the_past_or_an_overlap_over_30_days_is_refused_naming_the_field()
    {
        var past = await Assert.ThrowsAsync<Provisioning.InvalidInputException>(() => Apps.IssueTokenAsync(scim.AppId, null, clock.GetUtcNow(), Ct));
        var overlap = await Assert.ThrowsAsync<Provisioning.InvalidInputException>(() => Apps.RotateTokenAsync(scim.AppId, null, TimeSpan.FromDays(31), Ct));

        Assert.Equal(("expires", "overlap"), (past.Field, overlap.Field));
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("/Users")).Status);
    }

    [Fact]
    public async Task An_oauth_access_token_works_for_its_lifetime_and_long_expired_ones_are_cleared()
    {
        var clients = hub.Services.GetRequiredService<OAuthClients>();
        var (client, secret) = (await clients.CreateAsync(scim.AppId, "gallery", null, TimeSpan.FromHours(2), Ct))!.Value;

        var first = await clients.GrantAsync(scim.AppId, client.Id, secret, Ct);
        clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        var within = await scim.GetAsync("/Users", bearer: first.AccessToken);
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await scim.GetAsync("/Users", bearer: first.AccessToken);
        clock.Advance(TimeSpan.FromDays(2));
        var second = await clients.GrantAsync(scim.AppId, client.Id, secret, Ct);

        Assert.Equal(TimeSpan.FromHours(2), first.ExpiresIn);
        Assert.Equal(HttpStatusCode.OK, within.Status);
        after.AssertError(HttpStatusCode.Unauthorized, null);
        Assert.Contains("expired", after.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("/Users", bearer: second.AccessToken)).Status);
        // The first access token, expired two days ago, is gone: a client asking hourly does not grow the table.
        var stillStored = await Apps.AuthenticateAsync(scim.AppId, first.AccessToken!, Ct);
        Assert.Contains("not valid", stillStored.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_access_token_never_outlives_its_clients_secret()
    {
        var clients = hub.Services.GetRequiredService<OAuthClients>();
        var (client, secret) = (await clients.CreateAsync(scim.AppId, null, clock.GetUtcNow().AddMinutes(30), TimeSpan.FromHours(1), Ct))!.Value;

        var grant = await clients.GrantAsync(scim.AppId, client.Id, secret, Ct);
        clock.Advance(TimeSpan.FromMinutes(30));
        var after = await scim.GetAsync("/Users", bearer: grant.AccessToken);

        Assert.Equal(TimeSpan.FromMinutes(30), grant.ExpiresIn);
        after.AssertError(HttpStatusCode.Unauthorized, null);
        Assert.Equal("invalid_client", (await clients.GrantAsync(scim.AppId, client.Id, secret, Ct)).Error);
    }

    [Fact]
    public void Expiries_are_typed_as_durations_or_times()
    {
        var now = clock.GetUtcNow();

        Assert.Equal(now.AddDays(90), AppTokens.ParseExpiry("90d", now));
        Assert.Equal(now.AddDays(14), AppTokens.ParseExpiry("2w", now));
        Assert.Equal(new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero), AppTokens.ParseExpiry("2027-06-30", now));
        Assert.Equal(new DateTimeOffset(2027, 6, 30, 10, 0, 0, TimeSpan.Zero), AppTokens.ParseExpiry("2027-06-30T12:00:00+02:00", now));
        Assert.Equal("expires", Assert.ThrowsAny<Provisioning.InvalidInputException>(() => AppTokens.ParseExpiry("soon", now)).Field);
        Assert.Equal("expires", Assert.ThrowsAny<Provisioning.InvalidInputException>(() => AppTokens.ParseExpiry("0d", now)).Field);
    }
}
