using System.Net;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Http;

public sealed class DiscoveryTests(HubFactory hub)
{
    [Fact]
    public async Task ServiceProviderConfig_advertises_what_the_hub_enforces()
    {
        var scim = await hub.NewAppAsync();

        var response = await scim.GetAsync("/ServiceProviderConfig");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/scim+json", response.ContentType);
        var body = response.Body!;
        Assert.True(body["patch"]!["supported"]!.GetValue<bool>());
        Assert.Equal(1000, body["bulk"]!["maxOperations"]!.GetValue<int>());
        Assert.Equal(4 * 1024 * 1024, body["bulk"]!["maxPayloadSize"]!.GetValue<int>());
        Assert.Equal(1000, body["filter"]!["maxResults"]!.GetValue<int>());
        Assert.True(body["etag"]!["supported"]!.GetValue<bool>());
        Assert.Equal("oauthbearertoken", body["authenticationSchemes"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResourceTypes_list_users_with_the_enterprise_extension_and_groups()
    {
        var scim = await hub.NewAppAsync();

        var list = await scim.GetAsync("/ResourceTypes");
        var user = await scim.GetAsync("/ResourceTypes/User");
        var unknown = await scim.GetAsync("/ResourceTypes/Printer");

        Assert.Equal(2, list.TotalResults);
        Assert.Equal("/Users", user.Body!["endpoint"]!.GetValue<string>());
        Assert.Equal("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", user.Body["schemaExtensions"]![0]!["schema"]!.GetValue<string>());
        unknown.AssertError(HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Schemas_carry_full_attribute_characteristics()
    {
        var scim = await hub.NewAppAsync();

        var list = await scim.GetAsync("/Schemas");
        var user = await scim.GetAsync("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User");
        var enterprise = await scim.GetAsync("/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");

        Assert.Equal(3, list.TotalResults);
        var attributes = user.Body!["attributes"]!.AsArray();
        var userName = attributes.Single(a => a!["name"]!.GetValue<string>() == "userName")!;
        Assert.Equal(("string", true, false, "readWrite", "default", "server"),
            (userName["type"]!.GetValue<string>(), userName["required"]!.GetValue<bool>(), userName["caseExact"]!.GetValue<bool>(),
             userName["mutability"]!.GetValue<string>(), userName["returned"]!.GetValue<string>(), userName["uniqueness"]!.GetValue<string>()));
        var password = attributes.Single(a => a!["name"]!.GetValue<string>() == "password")!;
        Assert.Equal(("writeOnly", "never"), (password["mutability"]!.GetValue<string>(), password["returned"]!.GetValue<string>()));
        var emails = attributes.Single(a => a!["name"]!.GetValue<string>() == "emails")!;
        Assert.True(emails["multiValued"]!.GetValue<bool>());
        Assert.Contains("work", emails["subAttributes"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "type")!["canonicalValues"]!.AsArray().Select(v => v!.GetValue<string>()));
        var manager = enterprise.Body!["attributes"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "manager")!;
        Assert.Equal(("complex", false), (manager["type"]!.GetValue<string>(), manager["multiValued"]!.GetValue<bool>()));
    }
}
