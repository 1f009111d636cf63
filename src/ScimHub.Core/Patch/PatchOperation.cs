using System.Text.Json.Nodes;

namespace ScimHub.Core.Patch;

public enum PatchOperationType
{
    Add,
    Replace,
    Remove,
}

/// <summary>One entry of a PatchOp request's <c>Operations</c>, as sent (the path is parsed when it is applied).</summary>
public sealed record PatchOperation(PatchOperationType Type, string? Path, JsonNode? Value);
