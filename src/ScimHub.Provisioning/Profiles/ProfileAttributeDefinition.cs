using ScimHub.Core.Schemas;

namespace ScimHub.Provisioning.Profiles;

/// <summary>
/// A custom profile attribute of a directory: a name, a type (string, boolean, integer, decimal, dateTime,
/// reference), single- or multi-valued, required on create, case-exact, and a description. Over SCIM it is
/// <c>urn:ietf:params:scim:schemas:extension:scimhub:2.0:User:{name}</c>.
/// </summary>
public sealed record ProfileAttributeDefinition(string Name, string Type, bool MultiValued = false, bool Required = false, bool CaseExact = false, string Description = "")
{
    public static readonly IReadOnlyList<string> Types = ["string", "boolean", "integer", "decimal", "dateTime", "reference"];

    /// <summary>The attribute as the SCIM schema describes it.</summary>
    public AttributeDefinition ToDefinition() => new()
    {
        Name = Name,
        Type = Type switch
        {
            "boolean" => AttributeType.Boolean,
            "integer" => AttributeType.Integer,
            "decimal" => AttributeType.Decimal,
            "dateTime" => AttributeType.DateTime,
            "reference" => AttributeType.Reference,
            _ => AttributeType.String,
        },
        MultiValued = MultiValued,
        Required = Required,
        CaseExact = CaseExact,
        Description = Description,
        ReferenceTypes = Type == "reference" ? ["external"] : [],
    };
}
