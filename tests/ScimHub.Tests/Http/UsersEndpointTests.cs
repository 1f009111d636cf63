using System.Net;
using System.Text.Json.Nodes;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

public sealed class UsersEndpointTests(HubFactory hub)
{
    [Fact]
    public async Task Post_creates_the_user_with_location_etag_and_scim_content_type()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("alice");

        var response = await scim.PostAsync("/Users", Bodies.User(userName));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("application/scim+json", response.ContentType);
        Assert.Equal(userName, response.Body!["userName"]!.GetValue<string>());
        Assert.Equal($"http://localhost{scim.BasePath}/Users/{response.Id}", response.Headers.Location!.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.Equal("User", response.Body["meta"]!["resourceType"]!.GetValue<string>());
        Assert.Equal("W/\"1\"", response.Body["meta"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_user_reads_back_what_the_provider_wrote()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("roundtrip");
        var body = $$"""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
              "userName": "{{userName}}",
              "externalId": "Ext-CaseExact-01",
              "name": { "givenName": "Zoë", "familyName": "O'Brien", "formatted": "Zoë O'Brien" },
              "displayName": "Zoë O'Brien",
              "title": "Engineer",
              "active": true,
              "emails": [{ "value": "zoe@contoso.com", "type": "work", "primary": true }, { "value": "zoe@home.example", "type": "home" }],
              "phoneNumbers": [{ "value": "+1 (555) 010-0000", "type": "mobile" }],
              "addresses": [{ "type": "work", "streetAddress": "1 Main St", "locality": "Redmond", "country": "US" }],
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "R&D", "employeeNumber": "00042", "manager": { "value": "boss-id" } }
            }
            """;
        var created = await scim.PostAsync("/Users", body);

        var read = await scim.GetAsync($"/Users/{created.Id}");

        var expected = JsonNode.Parse(body)!.AsObject();
        foreach (var (key, value) in expected)
        {
            Assert.True(JsonNode.DeepEquals(value, read.Body![key]), $"{key}: wrote {value?.ToJsonString()}, read {read.Body![key]?.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Duplicate_userName_in_another_case_is_a_409_uniqueness_error()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("Dup");
        await scim.CreateUserAsync(userName);

        var response = await scim.PostAsync("/Users", Bodies.User(userName.ToUpperInvariant()));

        response.AssertError(HttpStatusCode.Conflict, "uniqueness");
    }

    [Fact]
    public async Task Unknown_user_is_a_404_scim_error()
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.GetAsync("/Users/does-not-exist");

        response.AssertError(HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Delete_then_get_is_404()
    {
        var scim = await hub.NewAppAsync();
        var id = await scim.CreateUserAsync(Bodies.Unique("gone"));

        var deleted = await scim.DeleteAsync($"/Users/{id}");
        var read = await scim.GetAsync($"/Users/{id}");
        var again = await scim.DeleteAsync($"/Users/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        read.AssertError(HttpStatusCode.NotFound, null);
        again.AssertError(HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Deactivated_user_stays_readable_and_filterable()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("inactive");
        var id = await scim.CreateUserAsync(userName);

        var patched = await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "False" }"""));
        var read = await scim.GetAsync($"/Users/{id}");
        var inactive = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"userName eq \"{userName}\" and active eq false")}");

        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.False(read.Body!["active"]!.GetValue<bool>());
        Assert.Equal(id, Assert.Single(inactive.Items)!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Filter_on_userName_ignores_case_and_on_externalId_does_not()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("CaseUser");
        var id = await scim.CreateUserAsync(userName);
        var externalId = (await scim.GetAsync($"/Users/{id}")).Body!["externalId"]!.GetValue<string>();

        var byUserName = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"userName eq \"{userName.ToLowerInvariant()}\"")}");
        var byExternalId = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"externalId eq \"{externalId}\"")}");
        var byExternalIdUpper = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"externalId eq \"{externalId.ToUpperInvariant()}\"")}");

        Assert.Equal(1, byUserName.TotalResults);
        Assert.Equal(1, byExternalId.TotalResults);
        Assert.Equal(0, byExternalIdUpper.TotalResults);
    }

    [Theory]
    [InlineData("emails[type eq \"work\"].value eq \"{0}@contoso.com\"", 1)]
    [InlineData("emails[type eq \"work\" and value co \"{0}\"]", 1)]
    [InlineData("emails.value sw \"{0}\"", 1)]
    [InlineData("emails[type eq \"home\"].value eq \"{0}@contoso.com\"", 0)]
    [InlineData("name.familyName eq \"family\" and userName sw \"{0}\"", 1)]
    [InlineData("userName sw \"{0}\" and not (title pr)", 1)]
    [InlineData("userName sw \"{0}\" and (title eq \"x\" or displayName co \"display\")", 1)]
    [InlineData("userName ew \"{0}\"", 1)]
    [InlineData("userName sw \"{0}\" and meta.created gt \"2000-01-01T00:00:00+02:00\"", 1)]
    [InlineData("userName sw \"{0}\" and meta.lastModified lt \"2000-01-01T00:00:00Z\"", 0)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"Sales\" and userName sw \"{0}\"", 1)]
    public async Task Filters_run_in_the_database_with_schema_case_rules(string filterTemplate, int expected)
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("filter");
        await scim.CreateUserAsync(userName, """ "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Sales" } """);
        await scim.CreateUserAsync(Bodies.Unique("other"));

        var filter = string.Format(System.Globalization.CultureInfo.InvariantCulture, filterTemplate, userName);
        var response = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString(filter)}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(expected, response.TotalResults);
    }

    [Fact]
    public async Task Entra_probe_with_a_random_userName_gets_an_empty_list_response()
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.GetAsync($"/Users?filter=userName+eq+%22{Guid.NewGuid()}%22");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/scim+json", response.ContentType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}
            """), response.Body));
    }

    [Fact]
    public async Task Unknown_query_parameters_such_as_aadOptscim062020_are_ignored()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("flag");
        await scim.CreateUserAsync(userName);

        var response = await scim.GetAsync($"/Users?aadOptscim062020&filter={Uri.EscapeDataString($"userName eq \"{userName}\"")}");

        Assert.Equal(1, response.TotalResults);
    }

    [Fact]
    public async Task Paging_is_stable_and_sees_every_user_exactly_once()
    {
        var scim = await hub.NewAppAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add(await scim.CreateUserAsync(Bodies.Unique($"page{i}")));
        }

        var seen = new List<string>();
        for (var start = 1; start <= 7; start += 3)
        {
            var page = await scim.GetAsync($"/Users?startIndex={start}&count=3");
            Assert.Equal(7, page.TotalResults);
            Assert.Equal(start, page.Body!["startIndex"]!.GetValue<int>());
            Assert.Equal(page.Items.Count, page.Body["itemsPerPage"]!.GetValue<int>());
            seen.AddRange(page.Items.Select(u => u!["id"]!.GetValue<string>()));
        }

        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task Listing_without_paging_parameters_uses_the_defaults()
    {
        var scim = await hub.NewAppAsync();
        await scim.CreateUserAsync(Bodies.Unique("defaults"));

        var response = await scim.GetAsync("/Users");

        Assert.Equal(1, response.TotalResults);
        Assert.Single(response.Items);
        Assert.Equal(1, response.Body!["startIndex"]!.GetValue<int>());
    }

    [Fact]
    public async Task Count_zero_returns_only_the_total_and_out_of_range_paging_is_clamped()
    {
        var scim = await hub.NewAppAsync();
        await scim.CreateUserAsync(Bodies.Unique("clamp"));

        var totals = await scim.GetAsync("/Users?count=0");
        var negative = await scim.GetAsync("/Users?startIndex=-5&count=-1");

        Assert.Equal((1, 0), (totals.TotalResults, totals.Items.Count));
        Assert.Equal(1, negative.Body!["startIndex"]!.GetValue<int>());
        Assert.Empty(negative.Items);
    }

    [Fact]
    public async Task SortBy_orders_case_insensitively_and_descending_reverses()
    {
        var scim = await hub.NewAppAsync();
        var prefix = Bodies.Unique("sort");
        foreach (var suffix in new[] { "b", "C", "a" })
        {
            await scim.CreateUserAsync($"{prefix}-{suffix}");
        }

        var ascending = await scim.GetAsync("/Users?sortBy=userName");
        var descending = await scim.GetAsync("/Users?sortBy=userName&sortOrder=descending");

        Assert.Equal([$"{prefix}-a", $"{prefix}-b", $"{prefix}-C"], ascending.Items.Select(u => u!["userName"]!.GetValue<string>()));
        Assert.Equal([$"{prefix}-C", $"{prefix}-b", $"{prefix}-a"], descending.Items.Select(u => u!["userName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Attributes_and_excludedAttributes_shape_reads_and_writes()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("shape");

        var created = await scim.PostAsync("/Users?attributes=userName", Bodies.User(userName));
        var read = await scim.GetAsync($"/Users/{created.Id}?excludedAttributes=emails,name.givenName");
        var listed = await scim.GetAsync($"/Users?attributes=name.familyName&filter={Uri.EscapeDataString($"userName eq \"{userName}\"")}");

        Assert.Equal(["schemas", "id", "userName"], created.Body!.AsObject().Select(p => p.Key));
        Assert.Null(read.Body!["emails"]);
        Assert.Null(read.Body["name"]!["givenName"]);
        Assert.Equal("Family", read.Body["name"]!["familyName"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"familyName":"Family"}"""), listed.Items[0]!["name"]));
        Assert.Null(listed.Items[0]!["userName"]);
    }

    [Fact]
    public async Task Password_is_accepted_and_never_returned()
    {
        var scim = await hub.NewAppAsync();

        var created = await scim.PostAsync("/Users", Bodies.User(Bodies.Unique("secret"), """ "password": "t1meMa$heen" """));
        var read = await scim.GetAsync($"/Users/{created.Id}?attributes=password");
        var patched = await scim.PatchAsync($"/Users/{created.Id}", Bodies.Patch("""{ "op": "replace", "path": "password", "value": "n3w-Secret" }"""));

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.DoesNotContain("t1meMa$heen", created.Body!.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(read.Body!["password"]);
        Assert.DoesNotContain("n3w-Secret", patched.Body!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_replaces_the_user_and_clears_what_it_omits()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("put");
        var id = await scim.CreateUserAsync(userName, """ "title": "Engineer" """);

        var replaced = await scim.PutAsync($"/Users/{id}", $$"""
            { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{{userName}}", "active": false, "name": { "givenName": "New" } }
            """);

        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.Null(replaced.Body!["title"]);
        Assert.Null(replaced.Body["emails"]);
        Assert.False(replaced.Body["active"]!.GetValue<bool>());
        Assert.Equal("W/\"2\"", replaced.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Version_changes_on_every_change_and_a_stale_If_Match_is_412()
    {
        var scim = await hub.NewAppAsync();
        var id = await scim.CreateUserAsync(Bodies.Unique("etag"));

        var first = await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "replace", "path": "title", "value": "One" }"""));
        var second = await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "replace", "path": "title", "value": "Two" }"""));
        var stale = await scim.SendAsync(HttpMethod.Patch, $"/Users/{id}", Bodies.Patch("""{ "op": "replace", "path": "title", "value": "Three" }"""),
            configure: r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"2\""));
        var current = await scim.SendAsync(HttpMethod.Patch, $"/Users/{id}", Bodies.Patch("""{ "op": "replace", "path": "title", "value": "Four" }"""),
            configure: r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"3\""));
        var notModified = await scim.SendAsync(HttpMethod.Get, $"/Users/{id}", null, configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", "W/\"4\""));

        Assert.Equal("W/\"2\"", first.Headers.ETag!.ToString());
        Assert.Equal("W/\"3\"", second.Headers.ETag!.ToString());
        stale.AssertError(HttpStatusCode.PreconditionFailed, null);
        Assert.Equal("Four", current.Body!["title"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotModified, notModified.Status);
    }

    [Fact]
    public async Task Patch_that_changes_nothing_keeps_the_version()
    {
        var scim = await hub.NewAppAsync();
        var id = await scim.CreateUserAsync(Bodies.Unique("noop"));

        var response = await scim.PatchAsync($"/Users/{id}", Bodies.Patch("""{ "op": "Replace", "path": "active", "value": "True" }"""));

        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
    }

    [Theory]
    [InlineData("title")]
    [InlineData("userName")]
    [InlineData("externalId")]
    [InlineData("displayName")]
    [InlineData("userName externalId displayName")]
    public async Task Patch_keeps_every_filter_index_true_whichever_attributes_it_changes(string changed)
    {
        var scim = await hub.NewAppAsync();
        var before = Bodies.Unique("indexed");
        var id = await scim.CreateUserAsync(before);
        var old = (await scim.GetAsync($"/Users/{id}")).Body!;
        var after = Bodies.Unique("renamed");
        var operations = changed.Split(' ').Select(name => $$"""{ "op": "Replace", "path": "{{name}}", "value": "{{after}}" }""");

        var patched = await scim.PatchAsync($"/Users/{id}", Bodies.Patch(string.Join(", ", operations)));

        Assert.Equal(HttpStatusCode.OK, patched.Status);
        foreach (var name in new[] { "userName", "externalId", "displayName" })
        {
            var (now, then) = changed.Contains(name, StringComparison.Ordinal) ? (after, old[name]!.GetValue<string>()) : (old[name]!.GetValue<string>(), after);
            Assert.Equal(1, (await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"{name} eq \"{now}\"")}")).TotalResults);
            Assert.Equal(0, (await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"{name} eq \"{then}\"")}")).TotalResults);
        }
    }

    [Fact]
    public async Task Patch_to_another_user_s_userName_in_other_case_is_a_conflict_and_a_case_only_rename_is_kept()
    {
        var scim = await hub.NewAppAsync();
        var taken = Bodies.Unique("taken");
        await scim.CreateUserAsync(taken);
        var renamed = Bodies.Unique("mover");
        var id = await scim.CreateUserAsync(renamed);

        var conflict = await scim.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "Replace", "path": "userName", "value": "{{taken.ToUpperInvariant()}}" }"""));
        var caseOnly = await scim.PatchAsync($"/Users/{id}", Bodies.Patch($$"""{ "op": "Replace", "path": "userName", "value": "{{renamed.ToUpperInvariant()}}" }"""));

        conflict.AssertError(HttpStatusCode.Conflict, "uniqueness");
        Assert.Equal(HttpStatusCode.OK, caseOnly.Status);
        Assert.Equal(renamed.ToUpperInvariant(), (await scim.GetAsync($"/Users/{id}")).Body!["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_userName_look_up_returns_the_user_byte_for_byte_as_a_GET_does()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("lookup");
        var id = await scim.CreateUserAsync(userName, $$"""
            "title": "Zoë \"Q\" <&>", "nickName": null,
            "{{Bodies.EnterpriseSchema}}": { "department": "Tour Operations", "manager": { "value": "26118915" } },
            "addresses": [{ "type": "work", "locality": "Redmond", "primary": true }]
            """);
        await scim.PostAsync("/Groups", Bodies.Group(Bodies.Unique("Team"), Bodies.Member(id)));

        var read = await RawAsync(scim, HttpMethod.Get, $"/Users/{id}");
        var found = await RawAsync(scim, HttpMethod.Get, $"/Users?filter={Uri.EscapeDataString($"userName eq \"{userName}\"")}");
        var searched = await RawAsync(scim, HttpMethod.Post, "/Users/.search", $$"""{ "filter": "userName eq \"{{userName}}\"" }""");

        Assert.NotNull(JsonNode.Parse(read)!["groups"]);
        Assert.Contains("\"Resources\":[" + read + "]", found, StringComparison.Ordinal);
        Assert.Contains("\"Resources\":[" + read + "]", searched, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_create_answers_with_the_user_byte_for_byte_as_a_GET_does_and_with_its_etag_and_location()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("created");
        using var post = new HttpRequestMessage(HttpMethod.Post, scim.BasePath + "/Users")
        {
            Content = new StringContent(Bodies.User(userName, $$"""
                "title": "Zoë \"Q\" <&>", "nickName": null, "password": "not-returned-1A!",
                "{{Bodies.EnterpriseSchema}}": { "department": "Tour Operations", "manager": { "value": "26118915" } },
                "addresses": [{ "type": "work", "locality": "Redmond", "primary": true }]
                """), System.Text.Encoding.UTF8, "application/scim+json"),
        };
        post.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", scim.Token);

        using var created = await scim.Http.SendAsync(post, TestContext.Current.CancellationToken);
        var body = await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var id = JsonNode.Parse(body)!["id"]!.GetValue<string>();
        var read = await RawAsync(scim, HttpMethod.Get, $"/Users/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(read, body);
        Assert.DoesNotContain("password", body, StringComparison.Ordinal);
        Assert.Equal("W/\"1\"", created.Headers.ETag?.ToString());
        Assert.EndsWith($"{scim.BasePath}/Users/{id}", created.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_create_with_attributes_answers_with_only_those()
    {
        var scim = await hub.NewAppAsync();

        var created = await scim.PostAsync("/Users?attributes=userName", Bodies.User(Bodies.Unique("few")));

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(["id", "schemas", "userName"], created.Body!.AsObject().Select(p => p.Key).Where(k => k != "meta").Order(StringComparer.Ordinal));
    }

    private static async Task<string> RawAsync(ScimClient scim, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, scim.BasePath + path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", scim.Token);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/scim+json");
        }

        using var response = await scim.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Post_search_takes_the_query_in_the_body()
    {
        var scim = await hub.NewAppAsync();
        var userName = Bodies.Unique("search");
        await scim.CreateUserAsync(userName);

        var response = await scim.PostAsync("/Users/.search", $$"""
            { "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "userName eq \"{{userName}}\"", "attributes": ["userName"], "startIndex": 1, "count": 10 }
            """);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(1, response.TotalResults);
        Assert.Null(response.Items[0]!["emails"]);
    }

    [Fact]
    public async Task Concurrent_creates_where_some_fail_keep_every_successful_one_whole()
    {
        var scim = await hub.NewAppAsync();
        var taken = Bodies.Unique("taken");
        await scim.CreateUserAsync(taken);
        var names = Enumerable.Range(0, 60).Select(i => i % 5 == 0 ? taken : Bodies.Unique($"batch{i}")).ToList();

        var responses = await Task.WhenAll(names.Select(name => scim.PostAsync("/Users", Bodies.User(name))));

        Assert.Equal(12, responses.Count(r => r.Status == HttpStatusCode.Conflict));
        foreach (var name in names.Where(n => n != taken))
        {
            var byEmail = await scim.GetAsync($"/Users?filter={Uri.EscapeDataString($"emails[type eq \"work\"].value eq \"{name}@contoso.com\"")}");
            Assert.Equal(1, byEmail.TotalResults);
        }

        Assert.Equal(49, (await scim.GetAsync("/Users?count=0")).TotalResults);
    }

    [Fact]
    public async Task Concurrent_patches_of_one_user_each_keep_their_change_and_the_version_counts_them_all()
    {
        // A PATCH is worked out before the write slot from the committed user and written only if the user is still
        // at that version; racing PATCHes of one user must each be worked out again on the row as it is in the slot.
        var scim = await hub.NewAppAsync();
        var id = await scim.CreateUserAsync(Bodies.Unique("racer"));
        var numbers = Enumerable.Range(0, 24).Select(i => $"+1 555 01{i:00}").ToList();

        var responses = await Task.WhenAll(numbers.Select(number => scim.PatchAsync($"/Users/{id}", $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"add","path":"phoneNumbers","value":[{"value":"{{number}}","type":"work"}]}]}
            """)));
        var user = await scim.GetAsync($"/Users/{id}");

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.Status));
        Assert.Equal(numbers, user.Body!["phoneNumbers"]!.AsArray().Select(p => p!["value"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("W/\"25\"", user.Body["meta"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_scan_that_runs_while_users_are_deleted_behind_it_skips_nobody()
    {
        var scim = await hub.NewAppAsync();
        var ids = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            ids.Add(await scim.CreateUserAsync(Bodies.Unique($"scan{i}")));
        }

        var first = await scim.GetAsync("/Users?startIndex=1&count=3&attributes=id");
        foreach (var seen in first.Items)
        {
            await scim.DeleteAsync($"/Users/{seen!["id"]!.GetValue<string>()}");
        }

        var second = await scim.GetAsync("/Users?startIndex=4&count=3&attributes=id");
        var third = await scim.GetAsync("/Users?startIndex=7&count=3&attributes=id");

        Assert.Equal(ids[3..6], second.Items.Select(u => u!["id"]!.GetValue<string>()));
        Assert.Equal(ids[6..9], third.Items.Select(u => u!["id"]!.GetValue<string>()));
        Assert.Equal(6, third.TotalResults);
    }

    [Fact]
    public async Task Filters_that_differ_only_in_a_literal_never_share_cached_results()
    {
        var scim = await hub.NewAppAsync();
        await scim.CreateUserAsync(Bodies.Unique("empty"), """ "title": "" """);
        await scim.CreateUserAsync(Bodies.Unique("none1"));
        await scim.CreateUserAsync(Bodies.Unique("none2"));

        // count=1 makes both pages full, so both totals are counted and cached.
        var isNull = await scim.GetAsync($"/Users?count=1&filter={Uri.EscapeDataString("title eq null")}");
        var isEmpty = await scim.GetAsync($"/Users?count=1&filter={Uri.EscapeDataString("title eq \"\"")}");

        Assert.Equal(2, isNull.TotalResults);
        Assert.Equal(1, isEmpty.TotalResults);
    }
}
