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
    private readonly string[] ifUnchangedTexts;

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
        // The new version is always the one read plus one.
        ifUnchangedTexts = [.. texts.Select(text => text + " AND version = @Version - 1")];
    }

    /// <summary>The UPDATE for a change from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public string For(JsonObject before, JsonObject after) => texts[Changed(before, after)];

    /// <summary>
    /// The same UPDATE, made only if the row is still at the version before this change (<c>@Version - 1</c>): it
    /// updates no row when another writer changed it since it was read.
    /// </summary>
    public string IfUnchangedSince(JsonObject before, JsonObject after) => ifUnchangedTexts[Changed(before, after)];

    private int Changed(JsonObject before, JsonObject after)
    {
        var changed = 0;
        for (var i = 0; i < attributes.Count; i++)
        {
            if (!JsonNode.DeepEquals(before[attributes[i]], after[attributes[i]]))
            {
                changed |= 1 << i;
            }
        }

        return changed;
    }
}
