namespace ScimHub.Core.Schemas;

/// <summary>A schema (RFC 7643 §7): its URN, name and attributes.</summary>
public sealed record SchemaDefinition(string Id, string Name, string Description, IReadOnlyList<AttributeDefinition> Attributes)
{
    public AttributeDefinition? Find(string name) => AttributeDefinition.Named(Attributes, name);
}
