using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using ScimHub.Core.Errors;
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
        switch (exception)
        {
            case ScimException scim:
                if (scim.Status == 503)
                {
                    httpContext.Response.Headers.RetryAfter = "5";
                }

                await ScimErrorBody.WriteAsync(httpContext, scim.Status, scim.ScimType, scim.Message);
                return true;
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } tooLarge:
                await ScimErrorBody.WriteAsync(httpContext, 413, null, $"The request body is too large. {tooLarge.Message}");
                return true;
            case BadHttpRequestException bad:
                await ScimErrorBody.WriteAsync(httpContext, bad.StatusCode, ScimErrorType.InvalidSyntax, bad.Message);
                return true;
            case DbException db when database.Dialect.IsInvalidValue(db):
                await ScimErrorBody.WriteAsync(httpContext, 400, ScimErrorType.InvalidValue, "The database refused a value of this request (a U+0000 character, or a value too long to index).");
                return true;
            case DbException db when database.Dialect.IsTransient(db):
                // Identity providers retry a 503 that says when (Entra honours Retry-After); nothing was written.
                logger.LogWarning(db, "Database busy on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
                httpContext.Response.Headers.RetryAfter = "5";
                await ScimErrorBody.WriteAsync(httpContext, 503, null, "The hub's database is busy; retry in a few seconds.");
                return true;
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                return true;
            default:
                var correlationId = httpContext.TraceIdentifier;
                logger.LogError(exception, "Unhandled error {CorrelationId} on {Method} {Path}", correlationId, httpContext.Request.Method, httpContext.Request.Path);
                await ScimErrorBody.WriteAsync(httpContext, 500, null, $"Internal error; the hub's log has the details under correlation id {correlationId}.");
                return true;
        }
    }
}
