namespace ScimHub.Core.Schemas;

/// <summary>One attribute of a schema with its RFC 7643 §7 characteristics.</summary>
public sealed record AttributeDefinition
{
    public required string Name { get; init; }

    public AttributeType Type { get; init; } = AttributeType.String;

    public bool MultiValued { get; init; }

    public bool Required { get; init; }

    public bool CaseExact { get; init; }

    public Mutability Mutability { get; init; } = Mutability.ReadWrite;

    public Returned Returned { get; init; } = Returned.Default;

    public Uniqueness Uniqueness { get; init; } = Uniqueness.None;

    public string Description { get; init; } = "";

    public IReadOnlyList<string> CanonicalValues { get; init; } = [];

    public IReadOnlyList<string> ReferenceTypes { get; init; } = [];

    public IReadOnlyList<AttributeDefinition> SubAttributes { get; init; } = [];

    public AttributeDefinition? FindSubAttribute(string name) => Named(SubAttributes, name);

    /// <summary>
    /// The attribute of <paramref name="attributes"/> called <paramref name="name"/>, case-insensitively (RFC 7643
    /// §2.1) unless <paramref name="comparison"/> says otherwise, or null. A plain loop: every attribute of every
    /// request is looked up here, so no closure or enumerator.
    /// </summary>
    public static AttributeDefinition? Named(IReadOnlyList<AttributeDefinition> attributes, string name, StringComparison comparison = StringComparison.OrdinalIgnoreCase)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        for (var i = 0; i < attributes.Count; i++)
        {
            if (string.Equals(attributes[i].Name, name, comparison))
            {
                return attributes[i];
            }
        }

        return null;
    }
}
