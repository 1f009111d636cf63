using ScimHub.Core.Errors;
using ScimHub.Core.Paths;

namespace ScimHub.Tests.Core.Paths;

public sealed class AttributePathTests
{
    [Fact]
    public void Urn_qualified_path_splits_at_the_last_colon_and_the_first_dot()
    {
        var path = AttributePath.Parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");

        Assert.Equal("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", path.SchemaUrn);
        Assert.Equal("manager", path.Name);
        Assert.Equal("value", path.SubAttribute);
    }

    [Fact]
    public void Plain_path_has_no_schema()
    {
        var path = AttributePath.Parse("name.givenName");

        Assert.Null(path.SchemaUrn);
        Assert.Equal(("name", "givenName"), (path.Name, path.SubAttribute));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1abc")]
    [InlineData("name.")]
    [InlineData("na me")]
    public void Malformed_path_is_an_invalidPath_error(string text)
    {
        var error = Assert.Throws<ScimException>(() => AttributePath.Parse(text));

        Assert.Equal((400, ScimErrorType.InvalidPath), (error.Status, error.ScimType));
    }
}
