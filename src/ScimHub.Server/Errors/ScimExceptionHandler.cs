using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using ScimHub.Core.Errors;
using ScimHub.Provisioning;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Server.Errors;

/// <summary>
/// The one place that turns exceptions into responses: a <see cref="ScimException"/> becomes its RFC 7644 error
/// body; a request Kestrel refused (body too large) a 413; a busy database a 503 with Retry-After; anything else a
/// 500 with a correlation id to find in the log.
/// </summary>
internal sealed class ScimExceptionHandler(Database database, ILogger<ScimExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        var isAdminApi = httpContext.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        // The admin API answers unusable input in ProblemDetails naming the field: a use case's InvalidInputException,
        // or a body that does not read as its type (a wrong type, an unknown field, broken JSON).
        var invalidField = !isAdminApi ? null : exception switch
        {
            InvalidInputException invalid => (Field: invalid.Field, Detail: invalid.Message),
            BadHttpRequestException { InnerException: System.Text.Json.JsonException json } => AdminBodyError.Describe(json),
            _ => ((string Field, string Detail)?)null,
        };
        if (invalidField is { } invalidInput)
        {
            await Results.ValidationProblem(new Dictionary<string, string[]> { [invalidInput.Field] = [invalidInput.Detail] }, detail: invalidInput.Detail).ExecuteAsync(httpContext);
            return true;
        }

        var error = Describe(exception, database, httpContext);
        if (error.Status >= 500 && error.Status != 503)
        {
            logger.LogError(exception, "Unhandled error {CorrelationId} on {Method} {Path}", CorrelationIds.Of(httpContext), httpContext.Request.Method, httpContext.Request.Path);
        }

        if (error.Status == 503)
        {
            logger.LogWarning(exception, "Database busy on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            // Identity providers retry a 503 that says when (Entra honours Retry-After); nothing was written.
            httpContext.Response.Headers.RetryAfter = "5";
        }

        if (isAdminApi)
        {
            await Results.Problem(statusCode: error.Status, detail: error.Detail).ExecuteAsync(httpContext);
            return true;
        }

        if (httpContext.Request.Path.StartsWithSegments("/oauth", StringComparison.OrdinalIgnoreCase))
        {
            // The token endpoint answers in RFC 6749 §5.2 form, whatever went wrong, and is never cached.
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.Headers.Pragma = "no-cache";
            await Results.Json(new Dictionary<string, string>
            {
                ["error"] = error.Status switch { < 500 => "invalid_request", 503 => "temporarily_unavailable", _ => "server_error" },
                ["error_description"] = error.Detail,
            }, statusCode: error.Status).ExecuteAsync(httpContext);
            return true;
        }

        await ScimErrorBody.WriteAsync(httpContext, error.Status, error.ScimType, error.Detail);
        return true;
    }

    /// <summary>The status, scimType and detail a failed request answers with; provisioning events record the same.</summary>
    public static ScimError Describe(Exception exception, Database database, HttpContext httpContext) => exception switch
    {
        ScimException scim => new(scim.Status, scim.ScimType, scim.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } tooLarge => new(413, null, $"The request body is too large. {tooLarge.Message}"),
        BadHttpRequestException bad => new(bad.StatusCode, ScimErrorType.InvalidSyntax, bad.Message),
        InvalidDataException unreadable => new(400, ScimErrorType.InvalidSyntax, $"The request body could not be read: {unreadable.Message}"),
        InvalidInputException invalid => new(400, ScimErrorType.InvalidValue, invalid.Message),
        DbException db when database.Dialect.IsInvalidValue(db) =>
            new(400, ScimErrorType.InvalidValue, "The database refused a value of this request (a U+0000 character, or a value too long to index)."),
        DbException db when database.Dialect.IsTransient(db) => new(503, null, "The hub's database is busy; retry in a few seconds."),
        _ => new(500, null, $"Internal error; the hub's log has the details under correlation id {CorrelationIds.Of(httpContext)}."),
    };
}

/// <summary>An RFC 7644 error: HTTP status, scimType (may be absent) and detail.</summary>
internal sealed record ScimError(int Status, string? ScimType, string Detail);
