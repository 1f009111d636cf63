using System.Text.Json;
using System.Text.RegularExpressions;

namespace ScimHub.Server.Errors;

/// <summary>
/// Names the field of an admin API body that System.Text.Json could not read, in the body's own words (its JSON
/// path, e.g. <c>features.deleteUsers</c>), without .NET type names.
/// </summary>
internal static partial class AdminBodyError
{
    public static (string Field, string Detail) Describe(JsonException exception)
    {
        var path = exception.Path is { Length: > 1 } p ? p.TrimStart('$').TrimStart('.') : "";
        if (UnknownProperty().Match(exception.Message) is { Success: true } unknown)
        {
            // The path already ends in the unknown name; it is the name alone when the path is empty.
            var field = path.Length == 0 ? unknown.Groups[1].Value : path;
            return (field, $"'{field}' is not a field of this request.");
        }

        if (path.Length == 0)
        {
            return ("body", "The body is not the JSON object this request takes.");
        }

        return exception.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? (path, $"'{path}' has a value of the wrong type (booleans are true or false, text is quoted, userDeleteAction is delete or deactivate).")
            : (path, $"'{path}' could not be read: the body is not valid JSON there.");
    }

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnknownProperty();
}
