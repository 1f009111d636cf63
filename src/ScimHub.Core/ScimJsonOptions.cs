using System.Text.Encodings.Web;
using System.Text.Json;

namespace ScimHub.Core;

/// <summary>How the hub writes JSON: UTF-8 as is (no \u0022 for quotes in ETags, no escaped accents in names).</summary>
public static class ScimJsonOptions
{
    public static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
