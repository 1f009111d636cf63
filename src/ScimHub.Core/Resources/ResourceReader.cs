using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Schemas;

namespace ScimHub.Core.Resources;

/// <summary>
/// Turns a resource a client sent into the hub's canonical form: attribute names spelled as the schema spells them,
/// values checked against their type, extension attributes under their schema URN, read-only and write-only
/// attributes dropped. Values are otherwise stored as sent, so that the client reads back what it wrote.
/// </summary>
public static class ResourceReader
{
    /// <summary>Reads a POST or PUT body of <paramref name="type"/>.</summary>
    public static JsonObject Read(JsonObject body, ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(type);
        CheckSchemas(body, type);

        var result = new JsonObject();
        var extensions = new List<string>();
        foreach (var (key, value) in body)
        {
            if (IsServerOwned(key))
            {
                // schemas is rebuilt below; id and meta are the server's (RFC 7643 §3.1: readOnly, ignored on input).
                continue;
            }

            var extension = type.FindSchema(key);
            if (extension is not null && !ReferenceEquals(extension, type.Schema))
            {
                var read = ReadComplex(extension.Attributes, value, new ValuePath(key, null));
                if (read is not null)
                {
                    SetUnique(result, extension.Id, read);
                    extensions.Add(extension.Id);
                }

                continue;
            }

            if (key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidSyntax,
                    $"'{key}' is not a schema of the {type.Name} resource. Known schemas: {string.Join(", ", type.AllSchemas.Select(s => s.Id))}.");
            }

            var definition = CommonAttributes.Find(key) ?? type.Schema.Find(key)
                ?? throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"'{key}' is not an attribute of the {type.Name} resource.");
            if (!IsWritable(definition))
            {
                continue;
            }

            var normalised = ReadValue(definition, value, new ValuePath(definition.Name, null));
            if (normalised is not null)
            {
                SetUnique(result, definition.Name, normalised);
            }
        }

        var schemaIds = new JsonArray(JsonValue.Create(type.Schema.Id));
        foreach (var extension in extensions)
        {
            schemaIds.Add(extension);
        }

        result.Insert(0, "schemas", schemaIds);
        CheckRequired(result, type);
        return result;
    }

    /// <summary>Fails with 400 invalidValue when an attribute the schema requires is missing.</summary>
    public static void CheckRequired(JsonObject resource, ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(type);
        foreach (var attribute in type.Schema.Attributes)
        {
            if (!attribute.Required)
            {
                continue;
            }

            var value = resource[attribute.Name];
            if (value is null || (value is JsonValue text && text.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(text.GetValue<string>())))
            {
                // RFC 7643 §4.1.1: "Each User MUST include a non-empty userName value"; the same holds for a group's displayName.
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{attribute.Name}' is required for a {type.Name} and must not be empty.");
            }
        }
    }

    /// <summary>False for attributes a client never writes: readOnly ones and the write-only password, which the hub does not keep.</summary>
    public static bool IsWritable(AttributeDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.Mutability is not (Mutability.ReadOnly or Mutability.WriteOnly);
    }

    /// <summary>
    /// Checks and normalises one attribute value. Returns null when the value means "no value" (null, empty string of a
    /// complex, empty list), so that the attribute is left unassigned.
    /// </summary>
    public static JsonNode? ReadValue(AttributeDefinition definition, JsonNode? value, string path)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return ReadValue(definition, value, new ValuePath(path, null));
    }

    private static JsonNode? ReadValue(AttributeDefinition definition, JsonNode? value, ValuePath path)
    {
        if (value is null)
        {
            return null;
        }

        if (definition.MultiValued)
        {
            // Entra ID sends a bare value where a list is expected (MicrosoftDocs/azure-docs#42220): take it as a list of one.
            var items = value as JsonArray ?? [value.DeepClone()];
            var list = new JsonArray();
            foreach (var item in items)
            {
                var read = ReadSingle(definition, item, path);
                if (read is not null)
                {
                    list.Add(read);
                }
            }

            CheckSinglePrimary(list, path);
            return list.Count == 0 ? null : list;
        }

        if (value is JsonArray array)
        {
            // A single complex value sent as a list of one (Entra's legacy manager shape, MS-TUT example 5).
            if (array.Count == 0)
            {
                return null;
            }

            if (array.Count > 1 || definition.Type != AttributeType.Complex)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{path}' takes a single value, not a list.");
            }

            value = array[0];
        }

        return ReadSingle(definition, value, path);
    }

    private static JsonNode? ReadSingle(AttributeDefinition definition, JsonNode? value, ValuePath path)
    {
        if (value is null)
        {
            return null;
        }

        if (definition.Type == AttributeType.Complex)
        {
            if (value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String)
            {
                // A bare string for a complex value means its "value" sub-attribute (Entra's manager, members as ids).
                var text = scalar.GetValue<string>();
                if (definition.FindSubAttribute("value") is null)
                {
                    throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{path}' must be an object of its sub-attributes, not a string.");
                }

                return text.Length == 0 ? null : new JsonObject { ["value"] = text };
            }

            return ReadComplex(definition.SubAttributes, value, path);
        }

        if (value is not JsonValue jsonValue)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{path}' must be a {Describe(definition.Type)}, not an {(value is JsonArray ? "array" : "object")}.");
        }

        return ReadScalar(definition, jsonValue, path);
    }

    private static JsonObject? ReadComplex(IReadOnlyList<AttributeDefinition> subAttributes, JsonNode? value, ValuePath path)
    {
        if (value is null)
        {
            return null;
        }

        if (value is not JsonObject obj)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{path}' must be an object.");
        }

        var result = new JsonObject();
        foreach (var (key, item) in obj)
        {
            var sub = AttributeDefinition.Named(subAttributes, key)
                ?? throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"'{path}.{key}' is not a known attribute.");
            if (!IsWritable(sub))
            {
                continue;
            }

            var read = ReadValue(sub, item, path.Child(sub.Name));
            if (read is not null)
            {
                SetUnique(result, sub.Name, read);
            }
        }

        return result.Count == 0 ? null : result;
    }

    private static JsonValue ReadScalar(AttributeDefinition definition, JsonValue value, ValuePath path)
    {
        var kind = value.GetValueKind();
        switch (definition.Type)
        {
            case AttributeType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    return JsonValue.Create(kind == JsonValueKind.True);
                }

                // Entra ID (without aadOptscim062020) and OneLogin send booleans as "True"/"False" strings.
                if (kind == JsonValueKind.String && bool.TryParse(value.GetValue<string>().Trim(), out var flag))
                {
                    return JsonValue.Create(flag);
                }

                break;
            case AttributeType.Integer:
                if (kind == JsonValueKind.Number && value.TryGetValue<long>(out var whole))
                {
                    return JsonValue.Create(whole);
                }

                if (kind == JsonValueKind.String && long.TryParse(value.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out whole))
                {
                    return JsonValue.Create(whole);
                }

                break;
            case AttributeType.Decimal:
                if (kind == JsonValueKind.Number && value.TryGetValue<decimal>(out var number))
                {
                    return JsonValue.Create(number);
                }

                if (kind == JsonValueKind.String && decimal.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out number))
                {
                    return JsonValue.Create(number);
                }

                break;
            case AttributeType.DateTime:
                if (kind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
                {
                    return JsonValue.Create(value.GetValue<string>());
                }

                break;
            case AttributeType.Binary:
                if (kind == JsonValueKind.String && IsBase64(value.GetValue<string>()))
                {
                    return JsonValue.Create(value.GetValue<string>());
                }

                break;
            default:
                if (kind == JsonValueKind.String)
                {
                    return JsonValue.Create(value.GetValue<string>());
                }

                break;
        }

        throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{path}' must be a {Describe(definition.Type)}; got {value.ToJsonString()}.");
    }

    private static void CheckSchemas(JsonObject body, ResourceType type)
    {
        var schemas = Find(body, "schemas");
        if (schemas is not JsonArray list || list.Any(s => s is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"'schemas' must be a list of schema URNs that includes {type.Schema.Id}.");
        }

        if (!list.Any(s => string.Equals(s!.GetValue<string>(), type.Schema.Id, StringComparison.OrdinalIgnoreCase)))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'schemas' must include {type.Schema.Id} for a {type.Name}; got [{string.Join(", ", list.Select(s => s!.GetValue<string>()))}].");
        }
    }

    private static void CheckSinglePrimary(JsonArray list, ValuePath path)
    {
        var primaries = list.Count(item => item is JsonObject o && o["primary"] is JsonValue p && p.GetValueKind() == JsonValueKind.True);
        if (primaries > 1)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"At most one value of '{path}' may be primary (RFC 7643 §2.4).");
        }
    }

    /// <summary>Finds a member case-insensitively (RFC 7643 §2.1: attribute names are case-insensitive).</summary>
    public static JsonNode? Find(JsonObject obj, string name)
    {
        ArgumentNullException.ThrowIfNull(obj);
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static void SetUnique(JsonObject result, string name, JsonNode value)
    {
        if (result.ContainsKey(name))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"'{name}' is given more than once (attribute names are case-insensitive).");
        }

        result[name] = value;
    }

    /// <summary>schemas (rebuilt by the reader), id and meta (the server's).</summary>
    private static bool IsServerOwned(string key) =>
        string.Equals(key, "schemas", StringComparison.OrdinalIgnoreCase)
        || string.Equals(key, "id", StringComparison.OrdinalIgnoreCase)
        || string.Equals(key, "meta", StringComparison.OrdinalIgnoreCase);

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    /// <summary>
    /// Where a value is in the body (<c>name.givenName</c>), for error messages: a sub-attribute's path is joined only
    /// when a message needs it, not for every value read.
    /// </summary>
    private readonly record struct ValuePath(string Parent, string? Name)
    {
        public ValuePath Child(string name) => Name is null ? new(Parent, name) : new(ToString(), name);

        public override string ToString() => Name is null ? Parent : $"{Parent}.{Name}";
    }

    private static string Describe(AttributeType type) => type switch
    {
        AttributeType.Boolean => "boolean (true or false)",
        AttributeType.Integer => "whole number",
        AttributeType.Decimal => "number",
        AttributeType.DateTime => "date and time in ISO 8601 form (e.g. 2026-01-31T12:00:00Z)",
        AttributeType.Binary => "base64 string",
        AttributeType.Reference => "URI string",
        AttributeType.Complex => "object",
        _ => "string",
    };
}
