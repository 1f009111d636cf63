using System.Text.Json.Nodes;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// The UPDATE of a changed user or group row that sets only the indexed columns whose attribute changed. SQLite
/// rewrites an index's entry whenever one of its columns is SET, to the same value too: an Entra PATCH of title and
/// displayName would otherwise rewrite the userName and externalId entries as well (two more random pages read and
/// written), and every member change of a group its displayName and externalId entries. One text per combination,
/// made once.
/// </summary>
internal sealed class ChangedColumnsUpdate
{
    private readonly IReadOnlyList<string> attributes;
    private readonly string[] texts;

    /// <param name="table">The table; rows are found by <c>@directoryId</c> and <c>@Id</c>.</param>
    /// <param name="indexed">Each indexed attribute with the assignments of its columns.</param>
    /// <param name="always">The assignments made by every update (the resource, its times and version).</param>
    public ChangedColumnsUpdate(string table, IReadOnlyList<(string Attribute, string Assignments)> indexed, string always)
    {
        attributes = [.. indexed.Select(i => i.Attribute)];
        texts = [.. Enumerable.Range(0, 1 << indexed.Count).Select(changed =>
        {
            var set = indexed.Where((_, i) => (changed & (1 << i)) != 0).Select(i => i.Assignments).Append(always);
            return $"UPDATE {table} SET {string.Join(", ", set)} WHERE directory_id = @directoryId AND id = @Id";
        })];
    }

    /// <summary>The UPDATE for a change from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public string For(JsonObject before, JsonObject after)
    {
        var changed = 0;
        for (var i = 0; i < attributes.Count; i++)
        {
            if (!JsonNode.DeepEquals(before[attributes[i]], after[attributes[i]]))
            {
                changed |= 1 << i;
            }
        }

        return texts[changed];
    }
}
