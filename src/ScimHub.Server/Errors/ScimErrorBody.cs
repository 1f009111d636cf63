using System.Globalization;
using System.Text.Json.Nodes;
using ScimHub.Core;

namespace ScimHub.Server.Errors;

/// <summary>The RFC 7644 §3.12 error body.</summary>
internal static class ScimErrorBody
{
    public static JsonObject Create(int status, string? scimType, string detail)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimConstants.Error),
            ["status"] = status.ToString(CultureInfo.InvariantCulture),
        };
        if (scimType is not null)
        {
            body["scimType"] = scimType;
        }

        body["detail"] = detail;
        return body;
    }

    public static Task WriteAsync(HttpContext context, int status, string? scimType, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ScimConstants.MediaType;
        return context.Response.WriteAsync(Create(status, scimType, detail).ToJsonString(ScimJsonOptions.Output), context.RequestAborted);
    }
}
