using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core;
using ScimHub.Core.Errors;

namespace ScimHub.Server.Scim;

/// <summary>Reading SCIM request bodies and writing SCIM responses (always <c>application/scim+json</c>).</summary>
internal static class ScimJson
{
    /// <summary>The largest body a SCIM request may carry (bulk requests included), advertised as bulk.maxPayloadSize.</summary>
    public const int MaxPayloadSize = 4 * 1024 * 1024;

    // Duplicate member names are refused at parse time (a JsonObject would otherwise throw later, a 500).
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>Reads the body as a JSON object; anything else is a 400 invalidSyntax, a body over the limit a 413.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxPayloadSize)
        {
            throw new ScimException(413, null, $"The request body is {request.ContentLength} bytes; the limit is {MaxPayloadSize} bytes.");
        }

        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, documentOptions: ReadOptions, cancellationToken: cancellationToken);
        }
        catch (JsonException exception)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The request body is not valid JSON: {exception.Message}");
        }

        var body = node as JsonObject
            ?? throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "The request body must be a JSON object.");
        try
        {
            CheckStrings(body, "");
        }
        catch (InvalidOperationException)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "The request body holds an invalid Unicode escape (a lone surrogate).");
        }

        RejectedRequests.Remember(request.HttpContext, body);
        return body;
    }

    /// <summary>
    /// Refuses strings no database can store or .NET can read: U+0000 (PostgreSQL text rejects it) and lone UTF-16
    /// surrogates written as \uD800 escapes (reading them throws). Checked once here, for every body.
    /// </summary>
    private static void CheckStrings(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    CheckText(key, path);
                    CheckStrings(value, path.Length == 0 ? key : $"{path}.{key}");
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckStrings(array[i], $"{path}[{i}]");
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                CheckText(value.GetValue<string>(), path);
                break;
        }
    }

    private static void CheckText(string text, string path)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{path}' contains the character U+0000, which the hub does not store.");
        }
    }

    public static IResult Write(int status, JsonNode body, string? etag = null, string? location = null) =>
        new ScimJsonResult(status, writer => body.WriteTo(writer, ScimJsonOptions.Output), etag, location);

    /// <summary>A response whose body <paramref name="write"/> writes (without building it as a DOM first).</summary>
    public static IResult Write(int status, Action<Utf8JsonWriter> write) => new ScimJsonResult(status, write, null, null);

    private sealed class ScimJsonResult(int status, Action<Utf8JsonWriter> write, string? etag, string? location) : IResult
    {
        private static readonly JsonWriterOptions WriterOptions = new() { Encoder = ScimJsonOptions.Output.Encoder };

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = ScimConstants.MediaType;
            if (etag is not null)
            {
                response.Headers.ETag = etag;
            }

            if (location is not null)
            {
                response.Headers.Location = location;
            }

            // Written as UTF-8 into a buffer (no string of the whole body), all of it before anything is sent: a value
            // that cannot be written is still a 500, not a cut-off 200, and the response has its Content-Length.
            var buffer = new ArrayBufferWriter<byte>();
            await using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                write(writer);
            }

            response.ContentLength = buffer.WrittenCount;
            await response.BodyWriter.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted);
        }
    }
}
