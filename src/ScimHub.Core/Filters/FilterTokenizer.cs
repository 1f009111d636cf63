using System.Globalization;
using System.Text;
using ScimHub.Core.Errors;

namespace ScimHub.Core.Filters;

internal enum FilterTokenKind
{
    /// <summary>A run of characters other than white space, parentheses, brackets and '"': a path, operator, keyword, number or bare word.</summary>
    Word,

    /// <summary>A JSON string literal; <see cref="FilterToken.Value"/> holds it decoded.</summary>
    String,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    End,
}

/// <summary>One token: its kind, where it starts (0-based), its source text and, for strings, the decoded value.</summary>
internal readonly record struct FilterToken(FilterTokenKind Kind, int Position, string Text, string? Value)
{
    /// <summary>The token as an error message shows it.</summary>
    public string Describe() => Kind switch
    {
        FilterTokenKind.End => "the end of the input",
        FilterTokenKind.String => Text.Length <= 40 ? $"string {Text}" : $"string {Text[..37]}...",
        _ => Text.Length <= 40 ? $"'{Text}'" : $"'{Text[..37]}...'",
    };
}

/// <summary>
/// Splits a SCIM filter or PATCH path into tokens. It never recurses, so any input length is safe;
/// the parser bounds the length and the nesting.
/// </summary>
internal static class FilterTokenizer
{
    public static List<FilterToken> Tokenize(string text, string scimType)
    {
        var tokens = new List<FilterToken>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                tokens.Add(new FilterToken(FilterTokenKind.End, text.Length, "", null));
                return tokens;
            }

            var c = text[i];
            var single = c switch
            {
                '(' => FilterTokenKind.LeftParen,
                ')' => FilterTokenKind.RightParen,
                '[' => FilterTokenKind.LeftBracket,
                ']' => FilterTokenKind.RightBracket,
                _ => (FilterTokenKind?)null,
            };
            if (single is { } kind)
            {
                tokens.Add(new FilterToken(kind, i, c.ToString(), null));
                i++;
            }
            else if (c == '"')
            {
                tokens.Add(ReadString(text, ref i, scimType));
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or '[' or ']' or '"'))
                {
                    i++;
                }

                tokens.Add(new FilterToken(FilterTokenKind.Word, start, text[start..i], null));
            }
        }
    }

    /// <summary>Reads a JSON string (RFC 8259 §7) starting at the opening quote.</summary>
    private static FilterToken ReadString(string text, ref int i, string scimType)
    {
        var start = i;
        var value = new StringBuilder();
        i++;
        while (true)
        {
            if (i >= text.Length)
            {
                throw ScimException.BadRequest(scimType,
                    $"The string starting at position {start} is not terminated; add the closing '\"'.");
            }

            var c = text[i];
            if (c == '"')
            {
                i++;
                break;
            }

            if (c != '\\')
            {
                value.Append(c);
                i++;
                continue;
            }

            if (i + 1 >= text.Length)
            {
                throw ScimException.BadRequest(scimType,
                    $"The string starting at position {start} is not terminated; add the closing '\"'.");
            }

            var escape = text[i + 1];
            switch (escape)
            {
                case '"' or '\\' or '/':
                    value.Append(escape);
                    break;
                case 'b':
                    value.Append('\b');
                    break;
                case 'f':
                    value.Append('\f');
                    break;
                case 'n':
                    value.Append('\n');
                    break;
                case 'r':
                    value.Append('\r');
                    break;
                case 't':
                    value.Append('\t');
                    break;
                case 'u':
                    if (i + 6 > text.Length || !IsHex(text.AsSpan(i + 2, 4)))
                    {
                        throw ScimException.BadRequest(scimType,
                            $"Invalid escape at position {i} in the string starting at position {start}; '\\u' must be followed by four hexadecimal digits, e.g. \\u00e9.");
                    }

                    value.Append((char)int.Parse(text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default:
                    throw ScimException.BadRequest(scimType,
                        $"Invalid escape '\\{escape}' at position {i} in the string starting at position {start}; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX.");
            }

            i += 2;
        }

        var decoded = value.ToString();
        if (HasUnpairedSurrogate(decoded))
        {
            throw ScimException.BadRequest(scimType,
                $"The string starting at position {start} contains an unpaired UTF-16 surrogate (a lone \\uD800-\\uDFFF escape).");
        }

        return new FilterToken(FilterTokenKind.String, start, text[start..i], decoded);
    }

    private static bool IsHex(ReadOnlySpan<char> digits)
    {
        foreach (var d in digits)
        {
            if (!char.IsAsciiHexDigit(d))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasUnpairedSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }
}
