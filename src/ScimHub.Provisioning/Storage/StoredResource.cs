using System.Text.Json.Nodes;

namespace ScimHub.Provisioning.Storage;

/// <summary>A user or group as stored: its attributes in canonical form plus the server's id and metadata.</summary>
public sealed record StoredResource(string Id, JsonObject Attributes, DateTimeOffset Created, DateTimeOffset LastModified, long Version)
{
    /// <summary>The weak entity tag of this version (RFC 7644 §3.14).</summary>
    public string ETag => WeakETag(Version);

    public static string WeakETag(long version) => $"W/\"{version}\"";
}

/// <summary>One page of a list or search.</summary>
public sealed record ResourcePage(int TotalResults, int StartIndex, IReadOnlyList<StoredResource> Resources);

/// <summary>
/// A user or group with its attributes still the stored JSON text, followed by the attributes the server derives (a
/// user's groups), and its times as stored (<see cref="Timestamps"/>): a response with the default attributes is
/// written from it without parsing them.
/// </summary>
public sealed record StoredJson(string Id, string Attributes, string Created, string LastModified, long Version, IReadOnlyList<KeyValuePair<string, JsonNode?>> Derived)
{
    public string ETag => StoredResource.WeakETag(Version);

    /// <summary>The attributes parsed, the derived ones added after the stored ones.</summary>
    public StoredResource Parse()
    {
        var attributes = (JsonObject)JsonNode.Parse(Attributes)!;
        foreach (var (key, value) in Derived)
        {
            attributes[key] = value?.DeepClone();
        }

        return new StoredResource(Id, attributes, Timestamps.Parse(Created), Timestamps.Parse(LastModified), Version);
    }
}

/// <summary>One page of a list or search, as <see cref="StoredJson"/>.</summary>
public sealed record StoredJsonPage(int TotalResults, int StartIndex, IReadOnlyList<StoredJson> Resources);
