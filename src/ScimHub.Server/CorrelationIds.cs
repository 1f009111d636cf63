using ScimHub.Provisioning.Reports;

namespace ScimHub.Server;

/// <summary>
/// Every request gets a correlation id, returned in <c>X-Correlation-Id</c>: the provisioning events it causes carry
/// it, and so does the log line of an internal error. Searching the report for it shows everything one request did.
/// </summary>
internal static class CorrelationIds
{
    public const string Header = "X-Correlation-Id";
    private const string ItemKey = "ScimHub.CorrelationId";

    public static IApplicationBuilder UseCorrelationIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var id = EventContext.NewCorrelationId(TimeProvider.System);
        context.Items[ItemKey] = id;
        // Set when the response starts, so that error responses (whose headers the exception handler clears) carry it too.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = id;
            return Task.CompletedTask;
        });
        return next(context);
    });

    public static string Of(HttpContext context) => context.Items[ItemKey] as string ?? context.TraceIdentifier;
}
