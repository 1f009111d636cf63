using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.Extensions.ObjectPool;
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
            if (HoldsNul(body))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{PathOfNul(body, "")}' contains the character U+0000, which the hub does not store.");
            }
        }
        catch (InvalidOperationException)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "The request body holds an invalid Unicode escape (a lone surrogate).");
        }

        RejectedRequests.Remember(request.HttpContext, body);
        return body;
    }

    /// <summary>
    /// Finds strings no database can store or .NET can read: U+0000 (PostgreSQL text rejects it), and lone UTF-16
    /// surrogates written as \uD800 escapes or bytes that are not UTF-8 (reading them throws
    /// <see cref="InvalidOperationException"/>). Checked once here, for every body, without building a path per member:
    /// <see cref="PathOfNul"/> names the place only when there is one.
    /// </summary>
    private static bool HoldsNul(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key.Contains('\0', StringComparison.Ordinal) || HoldsNul(value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (HoldsNul(array[i]))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return StringHoldsNul(value);
            default:
                return false;
        }
    }

    /// <summary>Where the first U+0000 is (<c>emails[0].value</c>; a member name's is its object's path), or null.</summary>
    private static string? PathOfNul(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key.Contains('\0', StringComparison.Ordinal))
                    {
                        return path;
                    }

                    if (PathOfNul(value, path.Length == 0 ? key : $"{path}.{key}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (PathOfNul(array[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return value.GetValue<string>().Contains('\0', StringComparison.Ordinal) ? path : null;
            default:
                return null;
        }
    }

    private static bool StringHoldsNul(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            // As parsed: without a backslash the text has no escape, so no U+0000 and no lone surrogate (a raw control
            // character is not valid JSON); it need not become a string here, only be UTF-8.
            var raw = JsonMarshal.GetRawUtf8Value(element);
            if (!raw.Contains((byte)'\\'))
            {
                if (!Utf8.IsValid(raw))
                {
                    throw new InvalidOperationException("The string is not UTF-8.");
                }

                return false;
            }
        }

        return value.GetValue<string>().Contains('\0', StringComparison.Ordinal);
    }

    public static IResult Write(int status, JsonNode body, string? etag = null, string? location = null) =>
        new ScimJsonResult(status, writer => body.WriteTo(writer, ScimJsonOptions.Output), etag, location);

    /// <summary>A response whose body <paramref name="write"/> writes (without building it as a DOM first).</summary>
    public static IResult Write(int status, Action<Utf8JsonWriter> write) => new ScimJsonResult(status, write, null, null);

    private sealed class ScimJsonResult(int status, Action<Utf8JsonWriter> write, string? etag, string? location) : IResult
    {
        private static readonly JsonWriterOptions WriterOptions = new() { Encoder = ScimJsonOptions.Output.Encoder };

        /// <summary>Response buffers, reused: a fresh one grew (and was thrown away) at every response.</summary>
        private static readonly ObjectPool<ArrayBufferWriter<byte>> Buffers = new DefaultObjectPool<ArrayBufferWriter<byte>>(new BufferPolicy());

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
            var buffer = Buffers.Get();
            try
            {
                await using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
                {
                    write(writer);
                }

                response.ContentLength = buffer.WrittenCount;
                await response.BodyWriter.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted);
            }
            finally
            {
                // Only once the write is done: until then the response may still read the buffer.
                Buffers.Return(buffer);
            }
        }

        private sealed class BufferPolicy : PooledObjectPolicy<ArrayBufferWriter<byte>>
        {
            /// <summary>A buffer that grew past this (a large page) is let go rather than kept for the next response.</summary>
            private const int MaxKept = 256 * 1024;

            public override ArrayBufferWriter<byte> Create() => new(4096);

            public override bool Return(ArrayBufferWriter<byte> obj)
            {
                if (obj.Capacity > MaxKept)
                {
                    return false;
                }

                obj.ResetWrittenCount();
                return true;
            }
        }
    }
}
