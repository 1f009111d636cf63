namespace ScimHub.Core.Schemas;

/// <summary>The schemas of RFC 7643 §4 and the User and Group resource types built from them.</summary>
public static class CoreSchemas
{
    public static readonly SchemaDefinition User = new(ScimConstants.UserSchema, "User", "User Account",
    [
        new() { Name = "userName", Required = true, Uniqueness = Uniqueness.Server, Description = "Unique identifier for the User, used to sign in. Case-insensitive." },
        new()
        {
            Name = "name", Type = AttributeType.Complex, Description = "The components of the user's real name.",
            SubAttributes =
            [
                Text("formatted", "The full name, formatted for display."),
                Text("familyName", "The family name of the User."),
                Text("givenName", "The given name of the User."),
                Text("middleName", "The middle name(s) of the User."),
                Text("honorificPrefix", "Title prefixes, e.g. 'Ms.'."),
                Text("honorificSuffix", "Title suffixes, e.g. 'III'."),
            ],
        },
        Text("displayName", "The name of the User, suitable for display."),
        Text("nickName", "The casual way to address the user."),
        Reference("profileUrl", "A URI of the User's online profile.", "external"),
        Text("title", "The user's title, such as 'Vice President'."),
        Text("userType", "The relationship between the organization and the user."),
        Text("preferredLanguage", "The User's preferred written or spoken language."),
        Text("locale", "The User's default location, e.g. 'en-US'."),
        Text("timezone", "The User's time zone in the Olson database format."),
        new() { Name = "active", Type = AttributeType.Boolean, Description = "The User's administrative status." },
        new() { Name = "password", Mutability = Mutability.WriteOnly, Returned = Returned.Never, Description = "The User's cleartext password. Write-only: never returned, never stored in clear." },
        MultiValuedComplex("emails", "Email addresses for the user.", ["work", "home", "other"], Text("value", "Email address.")),
        MultiValuedComplex("phoneNumbers", "Phone numbers for the User.", ["work", "home", "mobile", "fax", "pager", "other"], Text("value", "Phone number.")),
        MultiValuedComplex("ims", "Instant messaging addresses for the User.", ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"], Text("value", "Instant messaging address.")),
        MultiValuedComplex("photos", "URLs of photos of the User.", ["photo", "thumbnail"], Reference("value", "URL of a photo of the User.", "external")),
        new()
        {
            Name = "addresses", Type = AttributeType.Complex, MultiValued = true, Description = "A physical mailing address for this User.",
            SubAttributes =
            [
                Text("formatted", "The full mailing address, formatted for display."),
                Text("streetAddress", "The full street address component."),
                Text("locality", "The city or locality component."),
                Text("region", "The state or region component."),
                Text("postalCode", "The zip code or postal code component."),
                Text("country", "The country name component."),
                new() { Name = "type", CanonicalValues = ["work", "home", "other"], Description = "A label indicating the attribute's function." },
                new() { Name = "primary", Type = AttributeType.Boolean, Description = "Indicates the primary address." },
            ],
        },
        new()
        {
            Name = "groups", Type = AttributeType.Complex, MultiValued = true, Mutability = Mutability.ReadOnly,
            Description = "Groups to which the user belongs, derived from group memberships.",
            SubAttributes =
            [
                new() { Name = "value", Mutability = Mutability.ReadOnly, Description = "The identifier of the User's group." },
                new() { Name = "$ref", Type = AttributeType.Reference, Mutability = Mutability.ReadOnly, ReferenceTypes = ["User", "Group"], Description = "The URI of the Group resource." },
                new() { Name = "display", Mutability = Mutability.ReadOnly, Description = "A human-readable name of the group." },
                new() { Name = "type", Mutability = Mutability.ReadOnly, CanonicalValues = ["direct", "indirect"], Description = "Direct or indirect membership." },
            ],
        },
        MultiValuedComplex("entitlements", "A list of entitlements for the User.", [], Text("value", "The value of an entitlement.")),
        MultiValuedComplex("roles", "A list of roles for the User.", [], Text("value", "The value of a role.")),
        MultiValuedComplex("x509Certificates", "A list of certificates issued to the User.", [], new() { Name = "value", Type = AttributeType.Binary, Description = "The value of an X.509 certificate." }),
    ]);

    public static readonly SchemaDefinition EnterpriseUser = new(ScimConstants.EnterpriseUserSchema, "EnterpriseUser", "Enterprise User",
    [
        Text("employeeNumber", "Numeric or alphanumeric identifier assigned to a person."),
        Text("costCenter", "Identifies the name of a cost center."),
        Text("organization", "Identifies the name of an organization."),
        Text("division", "Identifies the name of a division."),
        Text("department", "Identifies the name of a department."),
        new()
        {
            Name = "manager", Type = AttributeType.Complex, Description = "The User's manager: a single complex value.",
            SubAttributes =
            [
                new() { Name = "value", Description = "The id of the SCIM resource representing the User's manager." },
                new() { Name = "$ref", Type = AttributeType.Reference, ReferenceTypes = ["User"], Description = "The URI of the manager's User resource." },
                new() { Name = "displayName", Mutability = Mutability.ReadOnly, Description = "The displayName of the User's manager." },
            ],
        },
    ]);

    public static readonly SchemaDefinition Group = new(ScimConstants.GroupSchema, "Group", "Group",
    [
        new() { Name = "displayName", Required = true, Uniqueness = Uniqueness.Server, Description = "A human-readable name for the Group, unique in the directory." },
        new()
        {
            Name = "members", Type = AttributeType.Complex, MultiValued = true, Description = "A list of members of the Group.",
            SubAttributes =
            [
                new() { Name = "value", Mutability = Mutability.Immutable, Description = "Identifier of the member of this Group." },
                new() { Name = "$ref", Type = AttributeType.Reference, Mutability = Mutability.Immutable, ReferenceTypes = ["User", "Group"], Description = "The URI of the member resource." },
                new() { Name = "display", Mutability = Mutability.ReadOnly, Description = "A human-readable name of the member." },
                new() { Name = "type", Mutability = Mutability.Immutable, CanonicalValues = ["User", "Group"], Description = "The type of the member." },
            ],
        },
    ]);

    public static readonly ResourceType UserType = new(ScimConstants.UserResource, "/Users", "User Account", User,
        [new SchemaExtension(EnterpriseUser, Required: false)]);

    /// <summary>
    /// The User resource of a directory with custom profile attributes: core, enterprise, and the hub's extension
    /// holding <paramref name="profileAttributes"/> (none: <see cref="UserType"/> itself).
    /// </summary>
    public static ResourceType UserTypeWith(IReadOnlyList<AttributeDefinition> profileAttributes)
    {
        ArgumentNullException.ThrowIfNull(profileAttributes);
        return profileAttributes.Count == 0
            ? UserType
            : UserType with { Extensions = [.. UserType.Extensions, new SchemaExtension(ProfileExtension(profileAttributes), Required: false)] };
    }

    /// <summary>The hub's extension schema with a directory's custom profile attributes.</summary>
    public static SchemaDefinition ProfileExtension(IReadOnlyList<AttributeDefinition> profileAttributes) =>
        new(ScimConstants.ProfileExtensionSchema, "ScimHubUser", "Custom profile attributes of this directory", profileAttributes);

    public static readonly ResourceType GroupType = new(ScimConstants.GroupResource, "/Groups", "Group", Group, []);

    public static readonly IReadOnlyList<SchemaDefinition> All = [User, EnterpriseUser, Group];

    private static AttributeDefinition Text(string name, string description) => new() { Name = name, Description = description };

    private static AttributeDefinition Reference(string name, string description, string referenceType) =>
        new() { Name = name, Type = AttributeType.Reference, CaseExact = true, ReferenceTypes = [referenceType], Description = description };

    /// <summary>The RFC 7643 §2.4 shape: value, display, type, primary.</summary>
    private static AttributeDefinition MultiValuedComplex(string name, string description, IReadOnlyList<string> types, AttributeDefinition value) => new()
    {
        Name = name,
        Type = AttributeType.Complex,
        MultiValued = true,
        Description = description,
        SubAttributes =
        [
            value,
            new() { Name = "display", Description = "A human-readable name, primarily used for display purposes." },
            new() { Name = "type", CanonicalValues = types, Description = "A label indicating the attribute's function." },
            new() { Name = "primary", Type = AttributeType.Boolean, Description = "Indicates the primary value. At most one value may be primary." },
        ],
    };
}
