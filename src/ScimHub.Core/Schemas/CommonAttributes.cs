namespace ScimHub.Core.Schemas;

/// <summary><c>id</c>, <c>externalId</c> and <c>meta</c>: part of every resource (RFC 7643 §3.1), not of a schema.</summary>
public static class CommonAttributes
{
    public static readonly AttributeDefinition Id = new()
    {
        Name = "id",
        CaseExact = true,
        Mutability = Mutability.ReadOnly,
        Returned = Returned.Always,
        Uniqueness = Uniqueness.Server,
        Description = "Unique identifier for the resource, assigned by the service provider.",
    };

    public static readonly AttributeDefinition ExternalId = new()
    {
        Name = "externalId",
        CaseExact = true,
        Description = "Identifier of the resource as defined by the provisioning client.",
    };

    public static readonly AttributeDefinition Meta = new()
    {
        Name = "meta",
        Type = AttributeType.Complex,
        Mutability = Mutability.ReadOnly,
        Description = "Resource metadata.",
        SubAttributes =
        [
            new() { Name = "resourceType", CaseExact = true, Mutability = Mutability.ReadOnly, Description = "Name of the resource type." },
            new() { Name = "created", Type = AttributeType.DateTime, Mutability = Mutability.ReadOnly, Description = "When the resource was added." },
            new() { Name = "lastModified", Type = AttributeType.DateTime, Mutability = Mutability.ReadOnly, Description = "When the resource was last changed." },
            new() { Name = "location", Type = AttributeType.Reference, CaseExact = true, Mutability = Mutability.ReadOnly, ReferenceTypes = ["uri"], Description = "URI of the resource." },
            new() { Name = "version", CaseExact = true, Mutability = Mutability.ReadOnly, Description = "Version of the resource (its ETag)." },
        ],
    };

    public static readonly IReadOnlyList<AttributeDefinition> All = [Id, ExternalId, Meta];

    public static AttributeDefinition? Find(string name) => AttributeDefinition.Named(All, name);
}
