namespace ScimHub.Core.Errors;

/// <summary>
/// A request the hub refuses, with the HTTP status, the RFC 7644 <c>scimType</c> and a detail a person can act on.
/// The server writes it as an RFC 7644 error body.
/// </summary>
public sealed class ScimException : Exception
{
    public ScimException(int status, string? scimType, string detail)
        : base(detail)
    {
        Status = status;
        ScimType = scimType;
    }

    public int Status { get; }

    public string? ScimType { get; }

    public static ScimException BadRequest(string scimType, string detail) => new(400, scimType, detail);

    public static ScimException NotFound(string detail) => new(404, null, detail);

    public static ScimException Conflict(string detail) => new(409, ScimErrorType.Uniqueness, detail);
}
