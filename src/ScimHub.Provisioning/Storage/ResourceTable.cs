using ScimHub.Core.Schemas;

namespace ScimHub.Provisioning.Storage;

/// <summary>A column that holds an attribute; <see cref="Folded"/> when it already holds the lower-case form.</summary>
public sealed record ColumnMapping(string Column, bool Folded = false);

/// <summary>
/// A multi-valued attribute kept in a table of its own, one row per value, so that filters on it use an index.
/// <see cref="From"/> is the FROM/WHERE head that ties its rows to the resource row.
/// </summary>
public sealed record SideTable(string From, IReadOnlyDictionary<string, ColumnMapping> SubAttributes);

/// <summary>How one resource type is laid out in SQL: which attributes have columns, which have side tables; the rest live in the JSON column.</summary>
public sealed record ResourceTable(
    ResourceType Type,
    string Alias,
    string JsonColumn,
    IReadOnlyDictionary<string, ColumnMapping> Columns,
    IReadOnlyDictionary<string, SideTable> SideTables)
{
    public static readonly ResourceTable Users = new(
        CoreSchemas.UserType,
        "r",
        "r.resource",
        new Dictionary<string, ColumnMapping>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new("r.id"),
            ["externalId"] = new("r.external_id"),
            ["userName"] = new("r.user_name_key", Folded: true),
            ["displayName"] = new("r.display_name_key", Folded: true),
            ["active"] = new("r.active"),
            ["meta.created"] = new("r.created"),
            ["meta.lastModified"] = new("r.last_modified"),
        },
        new Dictionary<string, SideTable>(StringComparer.OrdinalIgnoreCase)
        {
            ["emails"] = new(
                "user_emails e WHERE e.directory_id = r.directory_id AND e.user_id = r.id",
                new Dictionary<string, ColumnMapping>(StringComparer.OrdinalIgnoreCase)
                {
                    ["value"] = new("e.value_key", Folded: true),
                    ["type"] = new("e.type_key", Folded: true),
                    ["display"] = new("e.display"),
                    ["primary"] = new("e.is_primary"),
                }),
            ["groups"] = new(
                "group_members e WHERE e.directory_id = r.directory_id AND e.member_id = r.id",
                new Dictionary<string, ColumnMapping>(StringComparer.OrdinalIgnoreCase)
                {
                    ["value"] = new("e.group_id"),
                }),
        });

    public static readonly ResourceTable Groups = new(
        CoreSchemas.GroupType,
        "r",
        "r.resource",
        new Dictionary<string, ColumnMapping>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new("r.id"),
            ["externalId"] = new("r.external_id"),
            ["displayName"] = new("r.display_name_key", Folded: true),
            ["meta.created"] = new("r.created"),
            ["meta.lastModified"] = new("r.last_modified"),
        },
        new Dictionary<string, SideTable>(StringComparer.OrdinalIgnoreCase)
        {
            ["members"] = new(
                "group_members e WHERE e.directory_id = r.directory_id AND e.group_id = r.id",
                new Dictionary<string, ColumnMapping>(StringComparer.OrdinalIgnoreCase)
                {
                    ["value"] = new("e.member_id"),
                    ["type"] = new("e.member_type"),
                }),
        });
}
