using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Paths;
using ScimHub.Core.Schemas;

namespace ScimHub.Core.Filters;

/// <summary>
/// Evaluates a <see cref="Filter"/> in memory against one resource or one value of a multi-valued attribute
/// (the PATCH engine and tests; list filtering happens in the database).
/// <list type="bullet">
/// <item>Attribute names are matched case-insensitively, in the schemas and in the JSON.</item>
/// <item>Strings compare as the definition's <c>caseExact</c> says; dateTimes as instants; integers and decimals as numbers;
/// booleans only with eq and ne.</item>
/// <item>A multi-valued attribute matches when any of its values matches; without a sub-attribute, the values of a
/// multi-valued complex attribute are compared through their <c>value</c> sub-attribute.</item>
/// <item><c>pr</c> is true for a value that is not null, not "" and not []; <c>ne</c> is the negation of <c>eq</c>, so an
/// absent attribute is <c>ne</c> anything; <c>eq null</c> is true when the attribute is absent or null.</item>
/// <item>An unknown attribute, or an operator or literal that does not fit the attribute's type, is a 400 <c>invalidFilter</c>.
/// Every operand is checked, whatever the data, so the same filter always fails the same way.</item>
/// </list>
/// </summary>
public static class FilterEvaluator
{
    /// <summary><c>schemas</c> is on every resource (RFC 7643 §3) but in no schema; RFC 7644 §3.4.2.2 filters on it.</summary>
    private static readonly AttributeDefinition SchemasAttribute = new()
    {
        Name = "schemas",
        Type = AttributeType.Reference,
        MultiValued = true,
        Description = "The schema URNs of the resource.",
    };

    /// <summary>True when <paramref name="resource"/>, a resource of <paramref name="type"/>, matches the filter.</summary>
    public static bool Matches(Filter filter, JsonObject resource, ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(type);
        return Evaluate(filter, new ResourceScope(resource, type));
    }

    /// <summary>
    /// True when <paramref name="element"/>, one value of <paramref name="multiValuedAttribute"/>, matches the filter of a
    /// value path (<c>emails[type eq "work"]</c>), whose paths name sub-attributes. For an attribute of simple values the
    /// path <c>value</c> names the element itself.
    /// </summary>
    public static bool MatchesValue(Filter inner, JsonNode element, AttributeDefinition multiValuedAttribute)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(multiValuedAttribute);
        return Evaluate(inner, new ElementScope(element, multiValuedAttribute));
    }

    private static bool Evaluate(Filter filter, Scope scope) => filter switch
    {
        AndFilter and => EvaluateChain(and, scope),
        OrFilter or => EvaluateChain(or, scope),
        NotFilter not => !Evaluate(not.Inner, scope),
        PresentFilter present => scope.Select(present.Path, forPresence: true).Values.Any(IsPresent),
        ComparisonFilter comparison => Compare(scope.Select(comparison.Path, forPresence: false), comparison),
        ValuePathFilter valuePath => scope.MatchesValuePath(valuePath),
        _ => throw new ArgumentException($"Unsupported filter node {filter.GetType().Name}.", nameof(filter)),
    };

    /// <summary>
    /// Evaluates a left-leaning chain of and (or of or) in a loop, so a long chain costs no stack. Every operand is
    /// evaluated, left to right, without short-circuit: errors do not depend on the data.
    /// </summary>
    private static bool EvaluateChain(Filter chain, Scope scope)
    {
        var isAnd = chain is AndFilter;
        var operands = new Stack<Filter>();
        var current = chain;
        while (true)
        {
            if (isAnd && current is AndFilter and)
            {
                operands.Push(and.Right);
                current = and.Left;
            }
            else if (!isAnd && current is OrFilter or)
            {
                operands.Push(or.Right);
                current = or.Left;
            }
            else
            {
                operands.Push(current);
                break;
            }
        }

        var result = isAnd;
        while (operands.TryPop(out var operand))
        {
            var value = Evaluate(operand, scope);
            result = isAnd ? result & value : result | value;
        }

        return result;
    }

    private static bool Compare(Selection selection, ComparisonFilter comparison)
    {
        var op = comparison.Operator;
        var literal = comparison.Value;
        if (literal is null || literal.GetValueKind() == JsonValueKind.Null)
        {
            if (op is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
            {
                throw Error($"'{selection.Label} {op.ToScimName()} null' is not a valid comparison; null only goes with eq and ne.");
            }

            var anyValue = selection.Values.Any(v => v is not null && v.GetValueKind() != JsonValueKind.Null);
            return op == ComparisonOperator.NotEqual ? anyValue : !anyValue;
        }

        var test = BuildTest(selection, op == ComparisonOperator.NotEqual ? ComparisonOperator.Equal : op, literal);
        var matched = selection.Values.Any(v => v is JsonValue value && test(value));
        return op == ComparisonOperator.NotEqual ? !matched : matched;
    }

    /// <summary>Checks the operator and literal against the attribute's type and returns the test for one value.</summary>
    private static Func<JsonValue, bool> BuildTest(Selection selection, ComparisonOperator op, JsonValue literal) => selection.Target.Type switch
    {
        AttributeType.Boolean => BooleanTest(selection.Label, op, literal),
        AttributeType.Integer or AttributeType.Decimal => NumberTest(selection.Label, op, literal),
        AttributeType.DateTime => DateTimeTest(selection.Label, op, literal),
        _ => StringTest(selection.Label, selection.Target, op, literal),
    };

    private static Func<JsonValue, bool> BooleanTest(string label, ComparisonOperator op, JsonValue literal)
    {
        if (op != ComparisonOperator.Equal)
        {
            throw Error($"'{label}' is a boolean; only eq and ne apply to it, not {op.ToScimName()}.");
        }

        var expected = FilterLiterals.AsBoolean(literal) switch
        {
            true => JsonValueKind.True,
            false => JsonValueKind.False,
            null => throw Error($"'{label}' is a boolean; compare it with true or false, not {literal.ToJsonString()}."),
        };
        return v => v.GetValueKind() == expected;
    }

    private static Func<JsonValue, bool> NumberTest(string label, ComparisonOperator op, JsonValue literal)
    {
        if (literal.GetValueKind() != JsonValueKind.Number)
        {
            throw Error($"'{label}' is a number; compare it with a number such as 42, not {literal.ToJsonString()}.");
        }

        if (IsSubstring(op))
        {
            throw Error($"'{op.ToScimName()}' applies to strings; '{label}' is a number. Use eq, ne, gt, ge, lt or le.");
        }

        return v => v.GetValueKind() == JsonValueKind.Number && Holds(op, CompareNumbers(v, literal));
    }

    private static Func<JsonValue, bool> DateTimeTest(string label, ComparisonOperator op, JsonValue literal)
    {
        if (!TryGetString(literal, out var text) || !TryParseDateTime(text, out var instant))
        {
            throw Error($"{literal.ToJsonString()} is not a dateTime; '{label}' compares with an xsd:dateTime string such as \"2011-05-13T04:42:34Z\".");
        }

        if (IsSubstring(op))
        {
            throw Error($"'{op.ToScimName()}' applies to strings; '{label}' is a dateTime. Use eq, ne, gt, ge, lt or le.");
        }

        return v => TryGetString(v, out var s) && TryParseDateTime(s, out var value) && Holds(op, value.CompareTo(instant));
    }

    /// <summary>string, reference and binary: ordinal comparison, ignoring case unless the attribute is caseExact.</summary>
    private static Func<JsonValue, bool> StringTest(string label, AttributeDefinition definition, ComparisonOperator op, JsonValue literal)
    {
        if (!TryGetString(literal, out var expected))
        {
            throw Error($"'{label}' is a string; compare it with a quoted string, not {literal.ToJsonString()}.");
        }

        if (definition.Type == AttributeType.Binary && !IsSubstring(op) && op != ComparisonOperator.Equal)
        {
            throw Error($"'{label}' is binary; {op.ToScimName()} does not apply to it (RFC 7644 §3.4.2.2).");
        }

        var comparison = definition.CaseExact ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return op switch
        {
            ComparisonOperator.Equal => v => TryGetString(v, out var s) && string.Equals(s, expected, comparison),
            ComparisonOperator.Contains => v => TryGetString(v, out var s) && s.Contains(expected, comparison),
            ComparisonOperator.StartsWith => v => TryGetString(v, out var s) && s.StartsWith(expected, comparison),
            ComparisonOperator.EndsWith => v => TryGetString(v, out var s) && s.EndsWith(expected, comparison),
            _ => v => TryGetString(v, out var s) && Holds(op, string.Compare(s, expected, comparison)),
        };
    }

    private static bool IsSubstring(ComparisonOperator op) =>
        op is ComparisonOperator.Contains or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith;

    /// <summary>Whether the ordering operator <paramref name="op"/> holds, given value.CompareTo(literal).</summary>
    private static bool Holds(ComparisonOperator op, int order) => op switch
    {
        ComparisonOperator.Equal => order == 0,
        ComparisonOperator.GreaterThan => order > 0,
        ComparisonOperator.GreaterThanOrEqual => order >= 0,
        ComparisonOperator.LessThan => order < 0,
        ComparisonOperator.LessThanOrEqual => order <= 0,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not an ordering operator."),
    };

    private static int CompareNumbers(JsonValue value, JsonValue literal)
    {
        var left = value.ToJsonString();
        var right = literal.ToJsonString();
        if (decimal.TryParse(left, NumberStyles.Float, CultureInfo.InvariantCulture, out var l)
            && decimal.TryParse(right, NumberStyles.Float, CultureInfo.InvariantCulture, out var r))
        {
            return l.CompareTo(r);
        }

        // Beyond decimal's range (e.g. 1e300): compare as doubles.
        return double.Parse(left, NumberStyles.Float, CultureInfo.InvariantCulture)
            .CompareTo(double.Parse(right, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    private static bool TryParseDateTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);

    private static bool TryGetString(JsonValue value, out string text)
    {
        if (value.GetValueKind() == JsonValueKind.String)
        {
            text = value.GetValue<string>();
            return true;
        }

        text = "";
        return false;
    }

    /// <summary>Present: not null, not "", not [], and for an object, at least one member present.</summary>
    private static bool IsPresent(JsonNode? node) => node switch
    {
        null => false,
        JsonArray array => array.Any(IsPresent),
        JsonObject obj => obj.Any(member => IsPresent(member.Value)),
        _ => node.GetValueKind() switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => false,
            JsonValueKind.String => node.GetValue<string>().Length > 0,
            _ => true,
        },
    };

    private static JsonNode? Get(JsonObject obj, string name)
    {
        if (obj.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The values of a multi-valued attribute; a lone value stored without an array counts as one.</summary>
    private static List<JsonNode?> Items(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => [.. array],
        _ => [node],
    };

    private static ScimException Error(string detail) => ScimException.BadRequest(ScimErrorType.InvalidFilter, detail);

    /// <summary>
    /// Evaluates a value filter on each value of <paramref name="attribute"/>. With no values the filter is still
    /// evaluated once, on nothing, so an unknown sub-attribute fails whatever the data.
    /// </summary>
    private static bool AnyValueMatches(Filter inner, List<JsonNode?> values, AttributeDefinition attribute)
    {
        var present = values.Where(v => v is not null).ToList();
        if (present.Count == 0)
        {
            _ = Evaluate(inner, new ElementScope(null, attribute));
            return false;
        }

        var any = false;
        foreach (var value in present)
        {
            any |= Evaluate(inner, new ElementScope(value, attribute));
        }

        return any;
    }

    /// <summary>The values a path selects, the definition they follow, and the path as error messages name it.</summary>
    private sealed record Selection(string Label, AttributeDefinition Target, IReadOnlyList<JsonNode?> Values);

    /// <summary>Where the paths of a filter are resolved: a whole resource, or one value of a multi-valued attribute.</summary>
    private abstract class Scope
    {
        /// <summary>
        /// The values <paramref name="path"/> selects. A complex attribute named without a sub-attribute selects its
        /// values' <c>value</c> sub-attribute for a comparison, and the values themselves for <c>pr</c>.
        /// </summary>
        public abstract Selection Select(AttributePath path, bool forPresence);

        public abstract bool MatchesValuePath(ValuePathFilter filter);
    }

    private sealed class ResourceScope(JsonObject resource, ResourceType type) : Scope
    {
        public override Selection Select(AttributePath path, bool forPresence)
        {
            var (attribute, sub, node) = Locate(path);
            var label = path.ToString();
            var elements = attribute.MultiValued ? Items(node) : [node];
            if (sub is not null)
            {
                var values = new List<JsonNode?>();
                foreach (var element in elements)
                {
                    var value = element is JsonObject obj ? Get(obj, sub.Name) : null;
                    if (sub.MultiValued)
                    {
                        values.AddRange(Items(value));
                    }
                    else
                    {
                        values.Add(value);
                    }
                }

                return new Selection(label, sub, values);
            }

            if (attribute.Type == AttributeType.Complex && !forPresence)
            {
                var valueAttribute = attribute.FindSubAttribute("value")
                    ?? throw Error($"'{label}' is a complex attribute; compare one of its sub-attributes, "
                        + $"e.g. {label}.{(attribute.SubAttributes.Count > 0 ? attribute.SubAttributes[0].Name : "name")}.");
                var values = elements.Select(e => e is JsonObject obj ? Get(obj, valueAttribute.Name) : null).ToList();
                return new Selection(label, valueAttribute, values);
            }

            return new Selection(label, attribute, elements);
        }

        public override bool MatchesValuePath(ValuePathFilter filter)
        {
            var (attribute, sub, node) = Locate(filter.Path);
            if (sub is not null)
            {
                throw Error($"'{filter.Path}' names a sub-attribute; a value filter '[...]' follows a multi-valued or complex attribute.");
            }

            if (!attribute.MultiValued && attribute.Type != AttributeType.Complex)
            {
                throw Error($"'{filter.Path}' holds a single simple value; a value filter '[...]' applies to multi-valued or complex attributes.");
            }

            return AnyValueMatches(filter.Inner, attribute.MultiValued ? Items(node) : [node], attribute);
        }

        private (AttributeDefinition Attribute, AttributeDefinition? Sub, JsonNode? Node) Locate(AttributePath path)
        {
            var resolved = type.Resolve(path);
            if (resolved is null)
            {
                if (path.SubAttribute is null && string.Equals(path.Name, SchemasAttribute.Name, StringComparison.OrdinalIgnoreCase)
                    && (path.SchemaUrn is null || string.Equals(path.SchemaUrn, type.Schema.Id, StringComparison.OrdinalIgnoreCase)))
                {
                    return (SchemasAttribute, null, Get(resource, SchemasAttribute.Name));
                }

                throw Error($"Unknown attribute '{path}' in the filter; the {type.Name} resource has no such attribute.");
            }

            var container = resolved.IsCore(type) ? resource : Get(resource, resolved.Schema.Id) as JsonObject;
            var node = container is null ? null : Get(container, resolved.Attribute.Name);
            return (resolved.Attribute, resolved.SubAttribute, node);
        }
    }

    /// <summary>One value of <paramref name="attribute"/> (null when checking a filter against no value at all).</summary>
    private sealed class ElementScope(JsonNode? element, AttributeDefinition attribute) : Scope
    {
        public override Selection Select(AttributePath path, bool forPresence)
        {
            if (path.SchemaUrn is not null || path.SubAttribute is not null)
            {
                throw Error($"'{path}' cannot be used inside {attribute.Name}[...]; name a sub-attribute of {attribute.Name}, e.g. value.");
            }

            if (attribute.Type != AttributeType.Complex)
            {
                if (!string.Equals(path.Name, "value", StringComparison.OrdinalIgnoreCase))
                {
                    throw Error($"Unknown attribute '{attribute.Name}.{path.Name}' in the filter; {attribute.Name} holds simple values, "
                        + "which a value filter names 'value'.");
                }

                return new Selection($"{attribute.Name}.value", attribute, element is null ? [] : [element]);
            }

            var sub = attribute.FindSubAttribute(path.Name)
                ?? throw Error($"Unknown attribute '{attribute.Name}.{path.Name}' in the filter; {attribute.Name} has no sub-attribute '{path.Name}'.");
            var node = element is JsonObject obj ? Get(obj, sub.Name) : null;
            return new Selection($"{attribute.Name}.{sub.Name}", sub, sub.MultiValued ? Items(node) : [node]);
        }

        public override bool MatchesValuePath(ValuePathFilter filter) =>
            throw Error($"Value filters cannot be nested: '{filter.Path}[...]' appears inside {attribute.Name}[...].");
    }
}
