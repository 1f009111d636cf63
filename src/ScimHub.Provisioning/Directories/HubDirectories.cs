using Dapper;
using ScimHub.Provisioning.Storage;

namespace ScimHub.Provisioning.Directories;

/// <summary>A directory: the hub's store of users and groups that the apps of one tenant share.</summary>
public sealed record HubDirectory(string Id, string Name);

/// <summary>The directories of this hub. A fresh install has one, named "Default".</summary>
public sealed class HubDirectories(Database database, TimeProvider time)
{
    public const string DefaultName = "Default";

    public async Task<IReadOnlyList<HubDirectory>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<HubDirectory>("SELECT id AS Id, name AS Name FROM directories ORDER BY created, id");
        return rows.AsList();
    }

    public async Task<HubDirectory> CreateAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var directory = new HubDirectory(Guid.CreateVersion7(time.GetUtcNow()).ToString(), name.Trim());
        await using var write = await database.BeginAsync(cancellationToken);
        await write.Connection.ExecuteAsync(
            "INSERT INTO directories (id, name, created) VALUES (@Id, @Name, @created)",
            new { directory.Id, directory.Name, created = Timestamps.Format(time.GetUtcNow()) }, write.Transaction);
        await write.CommitAsync(cancellationToken);
        return directory;
    }

    /// <summary>The first directory, created when the hub has none (once, however many nodes start together).</summary>
    public async Task<HubDirectory> EnsureDefaultAsync(CancellationToken cancellationToken)
    {
        await using var write = await database.BeginAsync(cancellationToken);
        await write.Connection.ExecuteAsync(database.Dialect.StartupLock, transaction: write.Transaction);
        var first = await write.Connection.QueryFirstOrDefaultAsync<HubDirectory>(
            "SELECT id AS Id, name AS Name FROM directories ORDER BY created, id", transaction: write.Transaction);
        if (first is not null)
        {
            return first;
        }

        var directory = new HubDirectory(Guid.CreateVersion7(time.GetUtcNow()).ToString(), DefaultName);
        await write.Connection.ExecuteAsync(
            "INSERT INTO directories (id, name, created) VALUES (@Id, @Name, @created)",
            new { directory.Id, directory.Name, created = Timestamps.Format(time.GetUtcNow()) }, write.Transaction);
        await write.CommitAsync(cancellationToken);
        return directory;
    }

    /// <summary>Finds a directory by id or by name (case-insensitive).</summary>
    public async Task<HubDirectory?> FindAsync(string idOrName, CancellationToken cancellationToken)
    {
        var all = await ListAsync(cancellationToken);
        return all.FirstOrDefault(d => d.Id == idOrName) ?? all.FirstOrDefault(d => string.Equals(d.Name, idOrName, StringComparison.OrdinalIgnoreCase));
    }
}
