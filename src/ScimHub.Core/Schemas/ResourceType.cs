using ScimHub.Core.Errors;
using ScimHub.Core.Paths;

namespace ScimHub.Core.Schemas;

/// <summary>A resource type (RFC 7643 §6): its core schema and extensions, and attribute resolution over them.</summary>
public sealed record ResourceType(string Name, string Endpoint, string Description, SchemaDefinition Schema, IReadOnlyList<SchemaExtension> Extensions)
{
    public IEnumerable<SchemaDefinition> AllSchemas => Extensions.Select(e => e.Schema).Prepend(Schema);

    /// <summary>The core schema or the extension with this URN (case-insensitively), or null.</summary>
    public SchemaDefinition? FindSchema(string urn) =>
        string.Equals(Schema.Id, urn, StringComparison.OrdinalIgnoreCase) ? Schema : FindExtension(urn);

    public bool IsExtension(string urn) => FindExtension(urn) is not null;

    // Loops, not LINQ: every member of every resource read or written is looked up here.
    private SchemaDefinition? FindExtension(string urn)
    {
        for (var i = 0; i < Extensions.Count; i++)
        {
            if (string.Equals(Extensions[i].Schema.Id, urn, StringComparison.OrdinalIgnoreCase))
            {
                return Extensions[i].Schema;
            }
        }

        return null;
    }

    /// <summary>Finds the attribute a path names, or null. The core schema is searched when the path carries no URN.</summary>
    public ResolvedPath? Resolve(AttributePath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var schema = path.SchemaUrn is null ? Schema : FindSchema(path.SchemaUrn);
        var attribute = ReferenceEquals(schema, Schema) ? CommonAttributes.Find(path.Name) ?? schema.Find(path.Name) : schema?.Find(path.Name);
        if (attribute is null && path.SchemaUrn is null)
        {
            // An extension attribute named without its URN (Entra's legacy "path": "manager", MS-TUT example 5):
            // found when exactly one extension has it.
            var owners = Extensions.Where(e => e.Schema.Find(path.Name) is not null).ToList();
            if (owners.Count == 1)
            {
                schema = owners[0].Schema;
                attribute = schema.Find(path.Name);
            }
        }

        if (schema is null || attribute is null)
        {
            return null;
        }

        if (path.SubAttribute is null)
        {
            return new ResolvedPath(schema, attribute, null);
        }

        var sub = attribute.FindSubAttribute(path.SubAttribute);
        return sub is null ? null : new ResolvedPath(schema, attribute, sub);
    }

    /// <summary>Like <see cref="Resolve"/>, but an unknown attribute is a 400 invalidPath (or invalidFilter).</summary>
    public ResolvedPath ResolveOrThrow(AttributePath path, string scimType = ScimErrorType.InvalidPath) =>
        Resolve(path) ?? throw ScimException.BadRequest(scimType, $"'{path}' is not an attribute of the {Name} resource.");
}

/// <summary>An extension schema of a resource type, and whether every resource must carry it.</summary>
public sealed record SchemaExtension(SchemaDefinition Schema, bool Required);

/// <summary>A path resolved against the schemas: the schema, the attribute, and the sub-attribute if one was named.</summary>
public sealed record ResolvedPath(SchemaDefinition Schema, AttributeDefinition Attribute, AttributeDefinition? SubAttribute)
{
    /// <summary>The definition the path ends at.</summary>
    public AttributeDefinition Target => SubAttribute ?? Attribute;

    public bool IsCore(ResourceType type) => ReferenceEquals(Schema, type?.Schema);
}
