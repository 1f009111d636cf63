using System.Text;

namespace ScimHub.Tests.Support;

/// <summary>A strict RFC 4180 reader, to check what the CSV export writes.</summary>
public static class Csv
{
    public static List<List<string>> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                Assert.True(field.Length == 0, "a quote inside an unquoted field");
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                Assert.True(c != '\n' && c != '\r', "a line break outside quotes");
                field.Append(c);
            }
        }

        Assert.False(quoted, "an unterminated quoted field");
        Assert.True(field.Length == 0 && row.Count == 0, "the last record is not ended with CRLF");
        return rows;
    }
}
