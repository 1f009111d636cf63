using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using ScimHub.Core.Errors;

namespace ScimHub.Provisioning.Storage;

/// <summary>Reading and listing the rows of the users and groups tables, which share their shape.</summary>
internal static class ResourceRows
{
    private const string Columns = "r.id AS Id, r.resource AS Resource, r.created AS Created, r.last_modified AS LastModified, r.version AS Version, r.seq AS Seq";

    internal sealed record Row(string Id, string Resource, string Created, string LastModified, long Version, long Seq)
    {
        public StoredResource ToStored() =>
            new(Id, (JsonObject)JsonNode.Parse(Resource)!, Timestamps.Parse(Created), Timestamps.Parse(LastModified), Version);

        public StoredJson ToJson(IReadOnlyList<KeyValuePair<string, JsonNode?>> derived) =>
            new(Id, Resource, Created, LastModified, Version, derived);
    }

    /// <summary>Reads one row; inside a write transaction the row is locked until it ends (PostgreSQL: FOR UPDATE).</summary>
    public static async Task<Row?> FindAsync(DbConnection connection, SqlDialect dialect, string tableName, string directoryId, string id, DbTransaction? transaction = null) =>
        await connection.QuerySingleOrDefaultAsync<Row>(
            $"SELECT {Columns} FROM {tableName} r WHERE r.directory_id = @directoryId AND r.id = @id{(transaction is null ? "" : dialect.ForUpdate)}",
            new { directoryId, id }, transaction);

    /// <summary>Reads and locks one resource for a change, or throws a 404 naming it.</summary>
    public static async Task<StoredResource> FindOrThrowAsync(DbConnection connection, SqlDialect dialect, string tableName, string resourceName, string directoryId, string id, DbTransaction transaction)
    {
        var row = await FindAsync(connection, dialect, tableName, directoryId, id, transaction);
        return row?.ToStored() ?? throw ScimException.NotFound($"{resourceName} '{id}' not found.");
    }

    /// <summary>Runs a write; a violated unique index becomes a 409 uniqueness with <paramref name="conflict"/> as detail.</summary>
    public static async Task WriteUniqueAsync(SqlDialect dialect, Func<Task<int>> write, string conflict)
    {
        try
        {
            await write();
        }
        catch (DbException exception) when (dialect.IsUniqueViolation(exception))
        {
            throw ScimException.Conflict(conflict);
        }
    }

    public static async Task<(int Total, List<Row> Rows)> ListAsync(DbConnection connection, SqlDialect dialect, ResourceTable table, string tableName, string directoryId, ListQuery query, ListCache cache)
    {
        var parameters = new DynamicParameters();
        parameters.Add("directoryId", directoryId);
        var translator = new FilterTranslator(dialect, table, parameters);
        var where = query.Filter is null ? "" : " AND " + translator.Translate(query.Filter);
        var direction = query.Descending ? "DESC" : "ASC";
        // seq breaks ties, so that the order is stable across pages.
        var order = query.SortBy is null ? $"r.seq {direction}" : $"{translator.SortExpression(query.SortBy)} {direction}, r.seq";
        // The query's cache key (a hash) only when the cache is asked: a look-up's short first page needs none.
        string? cacheKey = null;
        string Key() => cacheKey ??= ListCache.Key(tableName, directoryId, query);

        // The generation is read before anything is counted: a change committed meanwhile makes the count unused.
        var generation = cache.Generation(directoryId);

        async Task<long> CountAsync()
        {
            var counted = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {tableName} r WHERE r.directory_id = @directoryId{where}", parameters);
            cache.RememberTotal(Key(), generation, counted);
            return counted;
        }
        if (query.Count == 0)
        {
            return ((int)(cache.Total(Key(), generation) ?? await CountAsync()), []);
        }

        parameters.Add("limit", query.Count);
        // In seq order, a page that starts where an earlier one ended seeks to it instead of skipping startIndex rows
        // (no page ends before the first).
        var after = query.SortBy is null && !query.Descending && query.StartIndex > 1 ? cache.Cursor(Key(), query.Client, query.StartIndex) : null;
        string page;
        if (after is not null)
        {
            parameters.Add("after", after.Value);
            page = $"SELECT {Columns} FROM {tableName} r WHERE r.directory_id = @directoryId{where} AND r.seq > @after ORDER BY {order} LIMIT {dialect.RowCount("@limit")}";
        }
        else
        {
            parameters.Add("offset", query.StartIndex - 1);
            page = $"SELECT {Columns} FROM {tableName} r WHERE r.directory_id = @directoryId{where} ORDER BY {order} LIMIT {dialect.RowCount("@limit")} OFFSET {dialect.RowCount("@offset")}";
        }

        var rows = (await connection.QueryAsync<Row>(page, parameters)).AsList();
        // Only a full page can have a next one: a look-up's short page leaves no cursor behind (nor a cache entry per look-up).
        if (rows.Count == query.Count && query.SortBy is null && !query.Descending)
        {
            cache.RememberCursor(Key(), query.Client, query.StartIndex + rows.Count, rows[^1].Seq);
        }

        // A first page that is not full is the whole result (Entra's userName eq look-ups): no COUNT needed.
        var total = query.StartIndex == 1 && rows.Count < query.Count ? rows.Count : cache.Total(Key(), generation) ?? await CountAsync();
        return ((int)total, rows);
    }
}
