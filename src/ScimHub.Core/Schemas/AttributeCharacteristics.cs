namespace ScimHub.Core.Schemas;

/// <summary>Data types of RFC 7643 §2.3.</summary>
public enum AttributeType
{
    String,
    Boolean,
    Decimal,
    Integer,
    DateTime,
    Binary,
    Reference,
    Complex,
}

/// <summary>RFC 7643 §7 "mutability".</summary>
public enum Mutability
{
    ReadWrite,
    ReadOnly,
    Immutable,
    WriteOnly,
}

/// <summary>RFC 7643 §7 "returned".</summary>
public enum Returned
{
    Default,
    Always,
    Never,
    Request,
}

/// <summary>RFC 7643 §7 "uniqueness".</summary>
public enum Uniqueness
{
    None,
    Server,
    Global,
}
