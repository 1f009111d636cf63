using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Paths;

namespace ScimHub.Core.Filters;

/// <summary>
/// Parses the SCIM filter language of RFC 7644 §3.4.2.2 into a <see cref="Filter"/>.
/// Operators and the keywords and, or, not, true, false, null are case-insensitive; <c>not</c> binds tighter than
/// <c>and</c>, which binds tighter than <c>or</c>; both are left-associative.
/// Every failure is a 400 <c>invalidFilter</c> whose detail names the position (counted in characters from 0)
/// and what was expected there.
/// </summary>
public static class FilterParser
{
    /// <summary>The longest filter accepted, in characters.</summary>
    public const int MaxLength = 4096;

    /// <summary>
    /// How deeply parentheses, <c>not (...)</c> and value filters <c>[...]</c> may nest. Chains of and/or do not count:
    /// they are parsed in a loop, not by recursion.
    /// </summary>
    public const int MaxDepth = 32;

    internal const string OperatorList = "eq, ne, co, sw, ew, pr, gt, ge, lt, le";

    public static Filter Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text, ScimErrorType.InvalidFilter, "filter");
        return parser.ParseFilter();
    }

    /// <summary>The RFC 7644 §3.5.2 PATCH path grammar; failures are 400 <c>invalidPath</c>.</summary>
    internal static PatchPath ParsePatchPath(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text, ScimErrorType.InvalidPath, "PATCH path");
        return parser.ParsePatchPath();
    }

    private sealed class Parser
    {
        private readonly List<FilterToken> _tokens;
        private readonly string _scimType;
        private int _index;

        public Parser(string text, string scimType, string subject)
        {
            _scimType = scimType;
            if (text.Length > MaxLength)
            {
                throw Error($"The {subject} is {text.Length} characters long; the limit is {MaxLength}.");
            }

            _tokens = FilterTokenizer.Tokenize(text, scimType);
            if (_tokens[0].Kind == FilterTokenKind.End)
            {
                throw Error(subject == "filter"
                    ? "The filter is empty; expected an expression such as userName eq \"bjensen\"."
                    : "The PATCH path is empty; expected an attribute path such as name.givenName or members[value eq \"2819c223\"].");
            }
        }

        private FilterToken Current => _tokens[_index];

        public Filter ParseFilter()
        {
            var filter = ParseOr(0, inBrackets: false);
            if (Current.Kind != FilterTokenKind.End)
            {
                throw Current.Kind switch
                {
                    FilterTokenKind.RightParen => Error($"Unexpected ')' at position {Current.Position}; no '(' is open."),
                    FilterTokenKind.RightBracket => Error($"Unexpected ']' at position {Current.Position}; no '[' is open."),
                    _ => Error($"Unexpected {Current.Describe()} at position {Current.Position}; expected 'and', 'or' or the end of the filter."),
                };
            }

            return filter;
        }

        public PatchPath ParsePatchPath()
        {
            var pathToken = Current;
            if (pathToken.Kind != FilterTokenKind.Word)
            {
                throw Error($"Expected an attribute path at position {pathToken.Position}, found {pathToken.Describe()}.");
            }

            _index++;
            PatchPath result;
            if (Current.Kind == FilterTokenKind.LeftBracket)
            {
                var attribute = ParseValuePathAttribute(pathToken);
                var inner = ParseBracketedFilter(0);
                var sub = (string?)null;
                if (Current.Kind == FilterTokenKind.Word && Current.Text.StartsWith('.'))
                {
                    sub = ParseSubAttributeAfterBracket().Name;
                }

                result = new PatchPath(attribute, inner, sub);
            }
            else
            {
                result = new PatchPath(ParseAttributePath(pathToken), null, null);
            }

            if (Current.Kind != FilterTokenKind.End)
            {
                throw Error($"Unexpected {Current.Describe()} at position {Current.Position}; a PATCH path ends after the attribute, "
                    + "its value filter '[...]' or a '.subAttribute' after the filter.");
            }

            return result;
        }

        private Filter ParseOr(int depth, bool inBrackets)
        {
            var left = ParseAnd(depth, inBrackets);
            while (IsKeyword(Current, "or"))
            {
                _index++;
                left = new OrFilter(left, ParseAnd(depth, inBrackets));
            }

            return left;
        }

        private Filter ParseAnd(int depth, bool inBrackets)
        {
            var left = ParseUnary(depth, inBrackets);
            while (IsKeyword(Current, "and"))
            {
                _index++;
                left = new AndFilter(left, ParseUnary(depth, inBrackets));
            }

            return left;
        }

        private Filter ParseUnary(int depth, bool inBrackets)
        {
            var token = Current;
            switch (token.Kind)
            {
                case FilterTokenKind.LeftParen:
                    return ParseParenthesized(depth, inBrackets);
                case FilterTokenKind.Word when IsKeyword(token, "not"):
                    _index++;
                    if (Current.Kind != FilterTokenKind.LeftParen)
                    {
                        throw Error($"'not' at position {token.Position} must be followed by '(', found {Current.Describe()} at position {Current.Position}; "
                            + "write not (expression).");
                    }

                    return new NotFilter(ParseParenthesized(depth, inBrackets));
                case FilterTokenKind.Word when IsKeyword(token, "and") || IsKeyword(token, "or"):
                    throw Error($"Expected an attribute path, '(' or 'not' at position {token.Position}, found {token.Describe()}.");
                case FilterTokenKind.Word:
                    return ParseAttributeExpression(depth, inBrackets);
                case FilterTokenKind.End:
                    throw Error($"The input ends at position {token.Position} where an expression was expected: an attribute path, '(' or 'not'.");
                default:
                    throw Error($"Unexpected {token.Describe()} at position {token.Position}; expected an attribute path, '(' or 'not'.");
            }
        }

        private Filter ParseParenthesized(int depth, bool inBrackets)
        {
            var open = Current;
            EnterLevel(depth, open);
            _index++;
            var inner = ParseOr(depth + 1, inBrackets);
            ExpectClose(FilterTokenKind.RightParen, open);
            return inner;
        }

        private Filter ParseAttributeExpression(int depth, bool inBrackets)
        {
            var pathToken = Current;
            _index++;
            if (Current.Kind == FilterTokenKind.LeftBracket)
            {
                if (inBrackets)
                {
                    throw Error($"Nested value filter at position {Current.Position}: the expression inside '[...]' cannot contain another '[...]'.");
                }

                var attribute = ParseValuePathAttribute(pathToken);
                var inner = ParseBracketedFilter(depth);
                if (Current.Kind == FilterTokenKind.Word && Current.Text.StartsWith('.'))
                {
                    // Entra ID sends emails[type eq "work"].value eq "x" as a filter: the element must match the
                    // bracketed filter and the comparison on its sub-attribute.
                    var subToken = Current;
                    var sub = ParseSubAttributeAfterBracket();
                    return new ValuePathFilter(attribute, new AndFilter(inner, ParseOperatorAndValue(sub, subToken)));
                }

                return new ValuePathFilter(attribute, inner);
            }

            var path = inBrackets ? ParseSubAttributeName(pathToken) : ParseAttributePath(pathToken);
            return ParseOperatorAndValue(path, pathToken);
        }

        /// <summary>Parses '[' valFilter ']' with the current token on '['.</summary>
        private Filter ParseBracketedFilter(int depth)
        {
            var open = Current;
            EnterLevel(depth, open);
            _index++;
            var inner = ParseOr(depth + 1, inBrackets: true);
            ExpectClose(FilterTokenKind.RightBracket, open);
            return inner;
        }

        private AttributePath ParseValuePathAttribute(FilterToken token)
        {
            var path = ParseAttributePath(token);
            if (path.SubAttribute is not null)
            {
                throw Error($"'{token.Text}' at position {token.Position} names a sub-attribute; a value filter '[...]' follows a multi-valued attribute, "
                    + "e.g. emails[type eq \"work\"].");
            }

            return path;
        }

        /// <summary>Parses the '.name' word right after ']'.</summary>
        private AttributePath ParseSubAttributeAfterBracket()
        {
            var token = Current;
            var name = token.Text[1..];
            if (!AttributePath.IsName(name))
            {
                throw Error($"'{token.Text}' at position {token.Position} is not a sub-attribute; expected '.' and a name after ']', e.g. .value.");
            }

            _index++;
            return new AttributePath(null, name, null);
        }

        private AttributePath ParseAttributePath(FilterToken token)
        {
            try
            {
                return AttributePath.Parse(token.Text);
            }
            catch (ScimException)
            {
                throw Error($"'{token.Text}' at position {token.Position} is not an attribute path; expected a name such as userName, "
                    + "a sub-attribute such as name.familyName, or a schema URN, ':' and a name.");
            }
        }

        /// <summary>Inside '[...]' a path names a sub-attribute of the attribute before '['.</summary>
        private AttributePath ParseSubAttributeName(FilterToken token)
        {
            if (!AttributePath.IsName(token.Text))
            {
                throw Error($"'{token.Text}' at position {token.Position} is not a sub-attribute name; inside '[...]' name a sub-attribute "
                    + "of the attribute before '[', e.g. type or value.");
            }

            return new AttributePath(null, token.Text, null);
        }

        private Filter ParseOperatorAndValue(AttributePath path, FilterToken pathToken)
        {
            var opToken = Current;
            if (opToken.Kind != FilterTokenKind.Word)
            {
                throw Error($"Missing operator after '{pathToken.Text}' at position {opToken.Position}, found {opToken.Describe()}; "
                    + $"expected one of {OperatorList}.");
            }

            ComparisonOperator? op = opToken.Text.ToLowerInvariant() switch
            {
                "eq" => ComparisonOperator.Equal,
                "ne" => ComparisonOperator.NotEqual,
                "co" => ComparisonOperator.Contains,
                "sw" => ComparisonOperator.StartsWith,
                "ew" => ComparisonOperator.EndsWith,
                "gt" => ComparisonOperator.GreaterThan,
                "ge" => ComparisonOperator.GreaterThanOrEqual,
                "lt" => ComparisonOperator.LessThan,
                "le" => ComparisonOperator.LessThanOrEqual,
                "pr" => null,
                _ => throw Error($"Unknown operator {opToken.Describe()} at position {opToken.Position}; expected one of {OperatorList}."),
            };
            _index++;

            if (op is not { } comparison)
            {
                var next = Current;
                if (next.Kind == FilterTokenKind.String
                    || (next.Kind == FilterTokenKind.Word && !IsKeyword(next, "and") && !IsKeyword(next, "or") && !IsKeyword(next, "not")))
                {
                    throw Error($"'pr' at position {opToken.Position} takes no value, but {next.Describe()} follows at position {next.Position}; "
                        + "write the attribute and pr alone, e.g. title pr.");
                }

                return new PresentFilter(path);
            }

            var value = ParseValue(opToken);
            if (value is null || value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                if (comparison is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
                {
                    throw Error($"'{opToken.Text}' at position {opToken.Position} cannot compare with {_tokens[_index - 1].Describe()}; "
                        + "true, false and null only go with eq and ne.");
                }
            }

            return new ComparisonFilter(path, comparison, value);
        }

        private JsonValue? ParseValue(FilterToken opToken)
        {
            var token = Current;
            switch (token.Kind)
            {
                case FilterTokenKind.String:
                    _index++;
                    return JsonValue.Create(token.Value!);
                case FilterTokenKind.Word when !IsKeyword(token, "and") && !IsKeyword(token, "or") && !IsKeyword(token, "not"):
                    _index++;
                    switch (token.Text.ToLowerInvariant())
                    {
                        case "true":
                            return JsonValue.Create(true);
                        case "false":
                            return JsonValue.Create(false);
                        case "null":
                            return null;
                    }

                    if (IsJsonNumber(token.Text))
                    {
                        // Parsed as JSON so the literal keeps its exact text and converts to any numeric type.
                        return JsonNode.Parse(token.Text)!.AsValue();
                    }

                    // Legacy Entra ID documentation shows unquoted values (externalId eq jyoung): a bare word that is
                    // no keyword and no number is taken as a string.
                    return JsonValue.Create(token.Text);
                default:
                    throw Error($"Missing value after '{opToken.Text}' at position {token.Position}, found {token.Describe()}; "
                        + "expected a quoted string, a number, true, false or null.");
            }
        }

        private void EnterLevel(int depth, FilterToken open)
        {
            if (depth + 1 > MaxDepth)
            {
                throw Error($"The expression at position {open.Position} nests deeper than {MaxDepth} levels of parentheses, 'not' and '[...]'; "
                    + "simplify it.");
            }
        }

        private void ExpectClose(FilterTokenKind kind, FilterToken open)
        {
            var close = kind == FilterTokenKind.RightParen ? ')' : ']';
            if (Current.Kind == kind)
            {
                _index++;
                return;
            }

            if (Current.Kind == FilterTokenKind.End)
            {
                throw Error($"Missing '{close}' to close the '{open.Text}' at position {open.Position}; the input ends at position {Current.Position}.");
            }

            throw Error($"Unexpected {Current.Describe()} at position {Current.Position}; expected 'and', 'or' or '{close}' "
                + $"to close the '{open.Text}' at position {open.Position}.");
        }

        private ScimException Error(string detail) => ScimException.BadRequest(_scimType, detail);

        private static bool IsKeyword(FilterToken token, string keyword) =>
            token.Kind == FilterTokenKind.Word && string.Equals(token.Text, keyword, StringComparison.OrdinalIgnoreCase);

        /// <summary>number = [ "-" ] int [ frac ] [ exp ] (RFC 8259 §6).</summary>
        private static bool IsJsonNumber(string text)
        {
            var i = 0;
            if (i < text.Length && text[i] == '-')
            {
                i++;
            }

            if (i >= text.Length || !char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            if (text[i] == '0')
            {
                i++;
            }
            else
            {
                i = SkipDigits(text, i);
            }

            if (i < text.Length && text[i] == '.')
            {
                var afterDot = SkipDigits(text, i + 1);
                if (afterDot == i + 1)
                {
                    return false;
                }

                i = afterDot;
            }

            if (i < text.Length && text[i] is 'e' or 'E')
            {
                i++;
                if (i < text.Length && text[i] is '+' or '-')
                {
                    i++;
                }

                var afterExponent = SkipDigits(text, i);
                if (afterExponent == i)
                {
                    return false;
                }

                i = afterExponent;
            }

            return i == text.Length;
        }

        private static int SkipDigits(string text, int i)
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            return i;
        }
    }
}
