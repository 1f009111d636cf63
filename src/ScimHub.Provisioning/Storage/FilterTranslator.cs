using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using ScimHub.Core.Errors;
using ScimHub.Core.Filters;
using ScimHub.Core.Paths;
using ScimHub.Core.Schemas;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Translates a parsed SCIM filter into a SQL condition over a <see cref="ResourceTable"/>, with every literal as a
/// parameter. Attributes with a column use it (and its index); multi-valued attributes with a side table become
/// EXISTS over it; everything else is read from the JSON column by the database. Nothing is filtered in memory.
/// </summary>
public sealed class FilterTranslator(SqlDialect dialect, ResourceTable table, DynamicParameters parameters)
{
    private int next;

    /// <summary>An SQL expression and how to compare with it.</summary>
    private sealed record Operand(string Sql, AttributeDefinition Definition, bool Folded, bool InJson);

    public string Translate(Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter switch
        {
            AndFilter and => $"({Translate(and.Left)} AND {Translate(and.Right)})",
            OrFilter or => $"({Translate(or.Left)} OR {Translate(or.Right)})",
            NotFilter not => $"(NOT COALESCE({Translate(not.Inner)}, FALSE))",
            ValuePathFilter valuePath => ValuePath(valuePath),
            PresentFilter present => OnAttribute(present.Path, operand => Present(operand)),
            ComparisonFilter comparison => OnAttribute(comparison.Path, operand => Compare(operand, comparison.Operator, comparison.Value)),
            _ => throw new ArgumentException($"Unknown filter {filter.GetType().Name}", nameof(filter)),
        };
    }

    /// <summary>An ORDER BY expression for sortBy (single-valued attributes, and emails by their lowest value).</summary>
    public string SortExpression(AttributePath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var resolved = table.Type.Resolve(path) ?? throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"sortBy '{path}' is not an attribute of the {table.Type.Name} resource.");
        if (resolved.Attribute.MultiValued)
        {
            var sub = resolved.SubAttribute?.Name ?? "value";
            if (table.SideTables.TryGetValue(resolved.Attribute.Name, out var side) && side.SubAttributes.TryGetValue(sub, out var column))
            {
                return $"(SELECT MIN({column.Column}) FROM {side.From})";
            }

            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"Sorting by the multi-valued '{path}' is not supported.");
        }

        if (resolved.Target.Type == AttributeType.Complex)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"sortBy '{path}' names a complex attribute; name one of its sub-attributes.");
        }

        var operand = SingleValued(resolved, path);
        return IsText(operand.Definition) && !operand.Definition.CaseExact && !operand.Folded ? dialect.Lower(operand.Sql) : operand.Sql;
    }

    private string OnAttribute(AttributePath path, Func<Operand, string> condition)
    {
        var resolved = table.Type.ResolveOrThrow(path, ScimErrorType.InvalidFilter);
        if (!resolved.Attribute.MultiValued)
        {
            return condition(SingleValued(resolved, path));
        }

        // emails co "x" or emails.value eq "x": some value of the attribute matches.
        var sub = resolved.SubAttribute ?? resolved.Attribute.FindSubAttribute("value");
        return Exists(resolved, element => condition(element(sub)));
    }

    private string ValuePath(ValuePathFilter filter)
    {
        var resolved = table.Type.ResolveOrThrow(filter.Path, ScimErrorType.InvalidFilter);
        if (resolved.SubAttribute is not null || resolved.Attribute.Type != AttributeType.Complex)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"'{filter.Path}[...]' needs a complex attribute before the brackets.");
        }

        if (!resolved.Attribute.MultiValued)
        {
            return Translate(Prefix(filter.Inner, filter.Path));
        }

        return Exists(resolved, element => TranslateInElement(filter.Inner, element, resolved.Attribute));
    }

    private string TranslateInElement(Filter filter, Func<AttributeDefinition?, Operand> element, AttributeDefinition parent) => filter switch
    {
        AndFilter and => $"({TranslateInElement(and.Left, element, parent)} AND {TranslateInElement(and.Right, element, parent)})",
        OrFilter or => $"({TranslateInElement(or.Left, element, parent)} OR {TranslateInElement(or.Right, element, parent)})",
        NotFilter not => $"(NOT COALESCE({TranslateInElement(not.Inner, element, parent)}, FALSE))",
        PresentFilter present => Present(element(SubOf(parent, present.Path))),
        ComparisonFilter comparison => Compare(element(SubOf(parent, comparison.Path)), comparison.Operator, comparison.Value),
        _ => throw ScimException.BadRequest(ScimErrorType.InvalidFilter, "A value filter cannot hold another value filter."),
    };

    private static AttributeDefinition? SubOf(AttributeDefinition parent, AttributePath path)
    {
        if (path.SchemaUrn is not null || path.SubAttribute is not null)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"Inside '{parent.Name}[...]' name sub-attributes only; got '{path}'.");
        }

        if (parent.Type != AttributeType.Complex && path.Name.Equals("value", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parent.FindSubAttribute(path.Name)
            ?? throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"'{path.Name}' is not a sub-attribute of '{parent.Name}'.");
    }

    /// <summary>EXISTS over the values of a multi-valued attribute; <paramref name="condition"/> gets a way to address a sub-attribute (null: the value itself).</summary>
    private string Exists(ResolvedPath resolved, Func<Func<AttributeDefinition?, Operand>, string> condition)
    {
        var attribute = resolved.Attribute;
        if (resolved.IsCore(table.Type) && table.SideTables.TryGetValue(attribute.Name, out var side))
        {
            Operand Column(AttributeDefinition? sub)
            {
                var name = sub?.Name ?? "value";
                if (!side.SubAttributes.TryGetValue(name, out var column))
                {
                    throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"Filtering on '{attribute.Name}.{name}' is not supported.");
                }

                return new Operand(column.Column, sub ?? attribute, column.Folded, InJson: false);
            }

            return $"EXISTS (SELECT 1 FROM {side.From} AND {condition(Column)})";
        }

        var alias = $"j{next++}";
        var path = Parameter(dialect.JsonPath(JsonKeys(resolved.Schema, attribute, null, table.Type)));
        Operand Element(AttributeDefinition? sub)
        {
            if (sub is null || attribute.Type != AttributeType.Complex)
            {
                return new Operand(dialect.JsonElement(alias), attribute with { MultiValued = false }, Folded: false, InJson: true);
            }

            return new Operand(dialect.JsonElementValue(alias, Parameter(dialect.JsonPath([sub.Name]))), sub, Folded: false, InJson: true);
        }

        return $"EXISTS (SELECT 1 FROM {dialect.JsonElements(table.JsonColumn, path, alias)} WHERE {condition(Element)})";
    }

    private Operand SingleValued(ResolvedPath resolved, AttributePath path)
    {
        var key = resolved.SubAttribute is null ? resolved.Attribute.Name : $"{resolved.Attribute.Name}.{resolved.SubAttribute.Name}";
        if (resolved.IsCore(table.Type) && table.Columns.TryGetValue(key, out var column))
        {
            return new Operand(column.Column, resolved.Target, column.Folded, InJson: false);
        }

        if (resolved.Target.Type == AttributeType.Complex)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"'{path}' is complex; compare one of its sub-attributes.");
        }

        var jsonPath = Parameter(dialect.JsonPath(JsonKeys(resolved.Schema, resolved.Attribute, resolved.SubAttribute, table.Type)));
        return new Operand(dialect.JsonValue(table.JsonColumn, jsonPath), resolved.Target, Folded: false, InJson: true);
    }

    private static IEnumerable<string> JsonKeys(SchemaDefinition schema, AttributeDefinition attribute, AttributeDefinition? sub, ResourceType type)
    {
        if (!ReferenceEquals(schema, type.Schema))
        {
            yield return schema.Id;
        }

        yield return attribute.Name;
        if (sub is not null)
        {
            yield return sub.Name;
        }
    }

    private static string Present(Operand operand) =>
        IsText(operand.Definition) ? $"({operand.Sql} IS NOT NULL AND {operand.Sql} <> '')" : $"({operand.Sql} IS NOT NULL)";

    private string Compare(Operand operand, ComparisonOperator op, JsonValue? literal)
    {
        var definition = operand.Definition;
        if (literal is null)
        {
            return op switch
            {
                ComparisonOperator.Equal => $"({operand.Sql} IS NULL)",
                ComparisonOperator.NotEqual => $"({operand.Sql} IS NOT NULL)",
                _ => throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"'{op.ToScimName()}' cannot compare with null."),
            };
        }

        switch (definition.Type)
        {
            case AttributeType.Boolean:
                var flag = FilterLiterals.AsBoolean(literal)
                    ?? throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"'{definition.Name}' is a boolean; compare it with true or false.");
                var stored = operand.InJson ? dialect.JsonBoolean(flag) : (flag ? 1 : 0);
                return op switch
                {
                    ComparisonOperator.Equal => $"({operand.Sql} = {Parameter(stored)})",
                    ComparisonOperator.NotEqual => $"({operand.Sql} IS NULL OR {operand.Sql} <> {Parameter(stored)})",
                    _ => throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"'{op.ToScimName()}' does not apply to the boolean '{definition.Name}'; use eq or ne."),
                };
            case AttributeType.Integer or AttributeType.Decimal:
                if (literal.GetValueKind() != JsonValueKind.Number || !literal.TryGetValue<decimal>(out var number))
                {
                    throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"'{definition.Name}' is a number; compare it with a number.");
                }

                return Ordered(operand.InJson ? dialect.JsonNumber(operand.Sql) : operand.Sql, op, Parameter(dialect.NumberParameter(number)), definition);
            case AttributeType.DateTime:
                if (literal.GetValueKind() != JsonValueKind.String
                    || !DateTimeOffset.TryParse(literal.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
                {
                    throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"'{definition.Name}' is a dateTime; compare it with a quoted ISO 8601 time such as \"2026-01-31T12:00:00Z\".");
                }

                var text = operand.InJson ? literal.GetValue<string>() : Timestamps.Format(instant);
                return Ordered(operand.Sql, op, Parameter(text), definition);
            default:
                var value = literal.GetValueKind() switch
                {
                    JsonValueKind.String => literal.GetValue<string>(),
                    JsonValueKind.Number => literal.ToJsonString(),
                    _ => throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"'{definition.Name}' is a string; compare it with a quoted string."),
                };
                var sql = operand.Sql;
                if (!definition.CaseExact)
                {
                    value = value.ToLowerInvariant();
                    sql = operand.Folded ? sql : dialect.Lower(sql);
                }

                var parameter = Parameter(value);
                return op switch
                {
                    ComparisonOperator.Contains => $"({dialect.Contains(sql, parameter)})",
                    ComparisonOperator.StartsWith => $"({dialect.StartsWith(sql, parameter)})",
                    ComparisonOperator.EndsWith => $"({dialect.EndsWith(sql, parameter)})",
                    _ => Ordered(sql, op, parameter, definition),
                };
        }
    }

    private static string Ordered(string sql, ComparisonOperator op, string parameter, AttributeDefinition definition) => op switch
    {
        ComparisonOperator.Equal => $"({sql} = {parameter})",
        ComparisonOperator.NotEqual => $"({sql} IS NULL OR {sql} <> {parameter})",
        ComparisonOperator.GreaterThan => $"({sql} > {parameter})",
        ComparisonOperator.GreaterThanOrEqual => $"({sql} >= {parameter})",
        ComparisonOperator.LessThan => $"({sql} < {parameter})",
        ComparisonOperator.LessThanOrEqual => $"({sql} <= {parameter})",
        _ => throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"'{op.ToScimName()}' applies to strings only; '{definition.Name}' is a {definition.Type.ToString().ToLowerInvariant()}."),
    };

    private static bool IsText(AttributeDefinition definition) =>
        definition.Type is AttributeType.String or AttributeType.Reference or AttributeType.Binary;

    /// <summary>name[givenName eq "x"] on a single complex attribute is name.givenName eq "x".</summary>
    private static Filter Prefix(Filter filter, AttributePath parent) => filter switch
    {
        AndFilter and => new AndFilter(Prefix(and.Left, parent), Prefix(and.Right, parent)),
        OrFilter or => new OrFilter(Prefix(or.Left, parent), Prefix(or.Right, parent)),
        NotFilter not => new NotFilter(Prefix(not.Inner, parent)),
        ComparisonFilter c => c with { Path = new AttributePath(parent.SchemaUrn, parent.Name, c.Path.Name) },
        PresentFilter p => p with { Path = new AttributePath(parent.SchemaUrn, parent.Name, p.Path.Name) },
        _ => throw ScimException.BadRequest(ScimErrorType.InvalidFilter, "A value filter cannot hold another value filter."),
    };

    private string Parameter(object value)
    {
        var name = $"p{next++}";
        parameters.Add(name, value);
        return "@" + name;
    }
}
