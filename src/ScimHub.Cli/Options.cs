using System.Text;

namespace ScimHub.Cli;

/// <summary>Names shared by the commands.</summary>
internal static class Options
{
    /// <summary>correlationId → correlation-id: how a report field is spelled as a command-line option.</summary>
    public static string Kebab(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c))
            {
                text.Append('-').Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
