using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Resources;

namespace ScimHub.Core.Patch;

/// <summary>Reads an RFC 7644 §3.5.2 PatchOp body in every dialect real clients send.</summary>
public static class PatchRequest
{
    /// <summary>The most operations one PATCH may carry; each may still list thousands of members.</summary>
    public const int MaxOperations = 1000;

    public static IReadOnlyList<PatchOperation> Parse(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var schemas = ResourceReader.Find(body, "schemas") as JsonArray;
        if (schemas is null || !schemas.Any(s => s is JsonValue v && v.GetValueKind() == JsonValueKind.String
                && string.Equals(v.GetValue<string>(), ScimConstants.PatchOp, StringComparison.OrdinalIgnoreCase)))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"A PATCH body must have \"schemas\": [\"{ScimConstants.PatchOp}\"].");
        }

        if (ResourceReader.Find(body, "Operations") is not JsonArray operations || operations.Count == 0)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "A PATCH body must have a non-empty \"Operations\" list.");
        }

        if (operations.Count > MaxOperations)
        {
            throw ScimException.BadRequest(ScimErrorType.TooMany, $"A PATCH may carry at most {MaxOperations} operations; got {operations.Count}.");
        }

        var result = new List<PatchOperation>(operations.Count);
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject operation)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"Operations[{i}] must be an object with \"op\", \"path\" and \"value\".");
            }

            result.Add(ParseOperation(operation, i));
        }

        return result;
    }

    private static PatchOperation ParseOperation(JsonObject operation, int index)
    {
        var opText = ResourceReader.Find(operation, "op") is JsonValue opValue && opValue.GetValueKind() == JsonValueKind.String
            ? opValue.GetValue<string>()
            : null;

        // Entra ID without aadOptscim062020 capitalises op ("Add", "Replace", "Remove"): op is case-insensitive.
        var type = opText?.ToLowerInvariant() switch
        {
            "add" => PatchOperationType.Add,
            "replace" => PatchOperationType.Replace,
            "remove" => PatchOperationType.Remove,
            _ => throw ScimException.BadRequest(ScimErrorType.InvalidSyntax,
                $"Operations[{index}].op is '{opText ?? "missing"}'; it must be one of add, replace, remove."),
        };

        var pathNode = ResourceReader.Find(operation, "path");
        string? path = null;
        if (pathNode is JsonValue pathValue && pathValue.GetValueKind() == JsonValueKind.String)
        {
            path = pathValue.GetValue<string>().Trim();
            if (path.Length == 0)
            {
                path = null;
            }
        }
        else if (pathNode is not null)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"Operations[{index}].path must be a string.");
        }

        var value = ResourceReader.Find(operation, "value")?.DeepClone();
        if (type == PatchOperationType.Remove && path is null)
        {
            throw ScimException.BadRequest(ScimErrorType.NoTarget, $"Operations[{index}] is a remove without a path (RFC 7644 §3.5.2.2).");
        }

        if (type != PatchOperationType.Remove && path is null && value is not JsonObject)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"Operations[{index}] has no path, so its value must be an object of attributes.");
        }

        return new PatchOperation(type, path, value);
    }
}
