using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScimHub.Provisioning.Reports;

/// <summary>
/// JSON kept as the database returns it: an event's change list. It is written into a response as it is (the writer
/// checks it, nothing parses it into a document), because a page of member events lists thousands of members.
/// </summary>
[JsonConverter(typeof(JsonTextConverter))]
public sealed class JsonText(string text)
{
    /// <summary>The JSON itself, compact.</summary>
    public string Text { get; } = text;

    /// <summary>The JSON as an element, for a reader that walks it.</summary>
    public JsonElement Parse() => JsonElement.Parse(Text);

    public override string ToString() => Text;
}

/// <summary>Writes <see cref="JsonText"/> as the JSON value it holds (indented output gets it indented too).</summary>
internal sealed class JsonTextConverter : JsonConverter<JsonText>
{
    public override JsonText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new JsonText(document.RootElement.GetRawText());
    }

    public override void Write(Utf8JsonWriter writer, JsonText value, JsonSerializerOptions options)
    {
        if (writer.Options.Indented)
        {
            value.Parse().WriteTo(writer);
            return;
        }

        writer.WriteRawValue(value.Text);
    }
}
