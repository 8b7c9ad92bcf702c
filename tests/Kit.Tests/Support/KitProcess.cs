namespace Kit.Tests.Support;

/// <summary>Runs the built kit as a separate process, as a user (or CI) would.</summary>
public static class KitProcess
{
    public static ChildProcess.Result Run(string workingDirectory, params string[] args) =>
        ChildProcess.Run(ChildProcess.Dotnet, new[] { "exec", typeof(Kit.Cli).Assembly.Location }.Concat(args),
            workingDirectory, TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["COLUMNS"] = "200" });
}
