using System.Text.Json.Nodes;

namespace ScimHub.Provisioning.Storage;

/// <summary>A user or group as stored: its attributes in canonical form plus the server's id and metadata.</summary>
public sealed record StoredResource(string Id, JsonObject Attributes, DateTimeOffset Created, DateTimeOffset LastModified, long Version)
{
    /// <summary>The weak entity tag of this version (RFC 7644 §3.14).</summary>
    public string ETag => $"W/\"{Version}\"";
}

/// <summary>One page of a list or search.</summary>
public sealed record ResourcePage(int TotalResults, int StartIndex, IReadOnlyList<StoredResource> Resources);
