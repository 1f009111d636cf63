using System.Reflection;
using Dapper;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Applies the numbered SQL scripts embedded under Storage/Migrations/{provider}/ that the database has not seen,
/// each in its own transaction, and records them in <c>schema_migrations</c>.
/// </summary>
public sealed class Migrator(Database database, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            // WAL is a property of the database file: set once, kept across connections.
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
            await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT NOT NULL PRIMARY KEY, applied TEXT NOT NULL)");
        }

        var applied = new List<string>();
        foreach (var (version, sql) in Scripts("Sqlite"))
        {
            await using (var write = await database.BeginAsync(cancellationToken))
            {
                var (connection, transaction) = (write.Connection, write.Transaction);
                var seen = await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM schema_migrations WHERE version = @version", new { version }, transaction);
                if (seen > 0)
                {
                    continue;
                }

                await connection.ExecuteAsync(sql, transaction: transaction);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, applied) VALUES (@version, @applied)",
                    new { version, applied = Timestamps.Format(time.GetUtcNow()) }, transaction);
                await transaction.CommitAsync(cancellationToken);
                applied.Add(version);
            }
        }

        return applied;
    }

    private static IEnumerable<(string Version, string Sql)> Scripts(string provider)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var prefix = $"{typeof(Migrator).Namespace}.Migrations.{provider}.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (Path.GetFileNameWithoutExtension(name[prefix.Length..]), reader.ReadToEnd());
        }
    }
}
