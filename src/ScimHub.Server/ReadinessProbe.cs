using System.Data.Common;
using Dapper;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Server;

/// <summary><c>/readyz</c>: 200 when the database answers, 503 when it does not.</summary>
internal static class ReadinessProbe
{
    public static async Task<IResult> CheckAsync(Database database, CancellationToken cancellationToken)
    {
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
