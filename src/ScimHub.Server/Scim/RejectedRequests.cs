using System.Text.Json.Nodes;
using ScimHub.Core;
using ScimHub.Provisioning.Reports;
using ScimHub.Provisioning.Storage;
using ScimHub.Server.Errors;

namespace ScimHub.Server.Scim;

/// <summary>
/// Records a failure event for every SCIM write the hub refuses (bad body, unknown id, duplicate userName, failed
/// precondition, internal error) and a skipped event for a change the app's provisioning features do not allow
/// (403), then lets the error answer the request as before. A 503 (database busy) is not
/// recorded: nothing could be written, and the provider retries. Recording a failure never changes the response.
/// </summary>
internal sealed class RejectedRequests(EventRecorder events, Database database, ILogger<RejectedRequests> logger) : IEndpointFilter
{
    private const string BodyKey = "ScimHub.Body";

    /// <summary>Called by <see cref="ScimJson.ReadObjectAsync"/>: the body, so that a failure event names who it was about.</summary>
    public static void Remember(HttpContext context, JsonObject body) => context.Items[BodyKey] = body;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var operation = OperationOf(http.Request.Method);
        var resourceType = ResourceTypeOf(http);
        if (operation is null || resourceType is null)
        {
            return await next(context);
        }

        try
        {
            return await next(context);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            // An error after the change committed (reading it back, rendering) did not refuse it: its event stands.
            var events = ScimRequest.From(http).Events;
            if (!events.HasCommitted)
            {
                await RecordAsync(events, resourceType, operation, http.GetRouteValue("id") as string, http.Items[BodyKey] as JsonObject,
                    ScimExceptionHandler.Describe(exception, database, http));
            }

            throw;
        }
    }

    /// <summary>Records one refused write (also used by /Bulk, per operation).</summary>
    public async Task RecordAsync(EventContext context, string resourceType, string operation, string? id, JsonObject? body, ScimError error)
    {
        if (error.Status == 503)
        {
            return;
        }

        var draft = resourceType == ScimConstants.UserResource
            ? EventDraft.ForUser(operation, id, body, outcome: EventOutcomes.Failure)
            : EventDraft.ForGroup(operation, id, body, outcome: EventOutcomes.Failure);
        try
        {
            // Not the request's token: a client that hangs up must not cancel the record of its failure.
            var refused = draft.Failed(error.Status, error.ScimType, error.Detail);
            // A 403 is a change the app's provisioning features do not allow: skipped, not failed (nothing is wrong
            // with the request, and the provider has nothing to fix).
            await events.RecordRejectedAsync(context, error.Status == 403 ? refused with { Outcome = EventOutcomes.Skipped } : refused, CancellationToken.None);
        }
#pragma warning disable CA1031 // The request's own error is what the client must see; a failed record is logged.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            logger.LogWarning(exception, "Could not record the failure event of request {CorrelationId}", context.CorrelationId);
        }
    }

    public static string? OperationOf(string method) => method.ToUpperInvariant() switch
    {
        "POST" => EventOperations.Create,
        "PUT" or "PATCH" => EventOperations.Update,
        "DELETE" => EventOperations.Delete,
        _ => null,
    };

    /// <summary>User or Group for writes to /Users and /Groups (not /.search, not /Bulk, which records per operation).</summary>
    private static string? ResourceTypeOf(HttpContext http)
    {
        var pattern = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "";
        if (pattern.EndsWith(".search", StringComparison.Ordinal))
        {
            return null;
        }

        return pattern.Contains("/Users", StringComparison.Ordinal) ? ScimConstants.UserResource
            : pattern.Contains("/Groups", StringComparison.Ordinal) ? ScimConstants.GroupResource
            : null;
    }
}
