namespace ScimHub.Cli;

internal static class EntryPoint
{
    public static Task<int> Main(string[] args) => HubCommandLine.RunAsync(args, Console.Out, Console.Error);
}
