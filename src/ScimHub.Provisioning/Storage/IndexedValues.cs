using System.Text;
using ScimHub.Core.Errors;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Values the hub keeps in indexed columns (userName, externalId, displayName, email addresses) have a size limit:
/// PostgreSQL cannot index a key over 2,704 bytes, and no identity provider sends one near it.
/// </summary>
public static class IndexedValues
{
    public const int MaxBytes = 1024;

    /// <summary>Returns the value, or throws a 400 invalidValue when it is longer than <see cref="MaxBytes"/> in UTF-8.</summary>
    public static string? Check(string? value, string attribute)
    {
        if (value is not null && Encoding.UTF8.GetByteCount(value) > MaxBytes)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{attribute}' is longer than the hub's limit of {MaxBytes} bytes.");
        }

        return value;
    }
}
