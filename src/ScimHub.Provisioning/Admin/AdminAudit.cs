using System.Data.Common;
using Dapper;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Admin;

/// <summary>
/// The admin audit log: changes to apps, their features and credentials, and directory profiles, each written in the
/// transaction of the change it describes (never a secret). Read it with <c>scimhub admin audit</c> or
/// <c>GET /api/audit</c>.
/// </summary>
public sealed class AdminAudit(Database database)
{
    public const int MaxLimit = 1000;

    /// <summary>Records one entry inside the caller's transaction.</summary>
    public static Task RecordAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset at, string? directoryId, string action, string target, string detail) =>
        connection.ExecuteAsync(
            "INSERT INTO admin_audit (occurred_at, directory_id, action, target, detail) VALUES (@at, @directoryId, @action, @target, @detail)",
            new { at = Timestamps.Format(at), directoryId, action, target, detail }, transaction);

    /// <summary>The newest entries first, optionally of one directory and since a time.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string? directoryId, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw new InvalidInputException("limit", $"'limit' must be a whole number from 1 to {MaxLimit}; got {limit}.");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, string OccurredAt, string? DirectoryId, string Action, string Target, string Detail)>(
            $"""
            SELECT id, occurred_at, directory_id, action, target, detail FROM admin_audit
            WHERE 1 = 1{(directoryId is null ? "" : " AND directory_id = @directoryId")}{(since is null ? "" : " AND occurred_at >= @since")}
            ORDER BY occurred_at DESC, id DESC LIMIT {database.Dialect.RowCount("@limit")}
            """,
            new { directoryId, since = since is { } s ? Timestamps.Format(s) : null, limit });
        return rows.Select(r => new AuditEntry(r.Id, Timestamps.Parse(r.OccurredAt), r.DirectoryId, r.Action, r.Target, r.Detail)).ToList();
    }
}
