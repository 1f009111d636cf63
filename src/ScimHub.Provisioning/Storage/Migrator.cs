using System.Reflection;
using Dapper;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Applies the numbered SQL scripts embedded under Storage/Migrations/{provider}/ that the database has not seen, in
/// one transaction, and records them in <c>schema_migrations</c>. Nodes starting at once take turns (PostgreSQL:
/// an advisory lock), so a script never runs twice.
/// </summary>
public sealed class Migrator(Database database, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        if (database.Provider == StorageProvider.Sqlite)
        {
            // WAL is a property of the database file: set once, kept across connections.
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        }

        var applied = new List<string>();
        await using (var write = await database.BeginAsync(cancellationToken))
        {
            var (connection, transaction) = (write.Connection, write.Transaction);
            await connection.ExecuteAsync(database.Dialect.StartupLock, transaction: transaction);
            await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT NOT NULL PRIMARY KEY, applied TEXT NOT NULL)", transaction: transaction);
            var seen = (await connection.QueryAsync<string>("SELECT version FROM schema_migrations", transaction: transaction)).ToHashSet(StringComparer.Ordinal);
            var pending = Scripts(database.Dialect.MigrationsFolder).Where(s => !seen.Contains(s.Version)).ToList();
            var sqlite = database.Provider == StorageProvider.Sqlite && pending.Count > 0;
            if (sqlite)
            {
                // A script may build an index over a big table: SQLite sorts it in temporary files, not all in memory
                // as the writer's temp_store=MEMORY (for its savepoint journals) would have it. Set back below.
                await connection.ExecuteAsync("PRAGMA temp_store = DEFAULT", transaction: transaction);
            }

            foreach (var (version, sql) in pending)
            {
                await connection.ExecuteAsync(sql, transaction: transaction);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, applied) VALUES (@version, @applied)",
                    new { version, applied = Timestamps.Format(time.GetUtcNow()) }, transaction);
                applied.Add(version);
            }

            if (sqlite)
            {
                await connection.ExecuteAsync("PRAGMA temp_store = MEMORY", transaction: transaction);
            }

            await write.CommitAsync(cancellationToken);
        }

        return applied;
    }

    /// <summary>The migrations this build has that the database has not applied yet (read only).</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            seen.UnionWith(await connection.QueryAsync<string>("SELECT version FROM schema_migrations"));
        }
        catch (System.Data.Common.DbException exception) when (!database.Dialect.IsTransient(exception))
        {
            // No schema_migrations table: nothing is applied.
        }

        return Scripts(database.Dialect.MigrationsFolder).Select(s => s.Version).Where(v => !seen.Contains(v)).ToList();
    }

    private static IEnumerable<(string Version, string Sql)> Scripts(string folder)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var prefix = $"{typeof(Migrator).Namespace}.Migrations.{folder}.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (Path.GetFileNameWithoutExtension(name[prefix.Length..]), reader.ReadToEnd());
        }
    }
}
