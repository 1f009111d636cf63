using System.Data.Common;
using Dapper;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Server;

/// <summary>
/// <c>/readyz</c>: 200 when the database answers, 503 when it does not, or when the hub can no longer make writes
/// durable (a failed fsync: restart it).
/// </summary>
internal static class ReadinessProbe
{
    public static async Task<IResult> CheckAsync(Database database, CancellationToken cancellationToken)
    {
        if (database.WriteFailure is { } failure)
        {
            return Results.Text($"writes cannot be made durable (an fsync failed: {failure.Message}); restart the hub", statusCode: 503);
        }

        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int>("SELECT 1");
            return Results.Text("ready");
        }
        catch (Exception exception) when (exception is DbException or TimeoutException or InvalidOperationException)
        {
            return Results.Text($"database unavailable: {exception.Message}", statusCode: 503);
        }
    }
}
