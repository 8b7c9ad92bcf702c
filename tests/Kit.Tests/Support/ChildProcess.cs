using System.Diagnostics;

namespace Kit.Tests.Support;

/// <summary>Runs a program to completion, capturing its output; kills it (and its children) past the time limit.</summary>
public static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed);

    public static Result Run(string fileName, IEnumerable<string> args, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(OnPath(fileName))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {limit.TotalSeconds:0} s");
        }
        return new Result(process.ExitCode, stdout.Result + stderr.Result, clock.Elapsed);
    }

    // Process.Start looks for a bare name in the current directory first, which fails once
    // another test has deleted the folder it ran cells in: search PATH ourselves.
    private static string OnPath(string program) =>
        Path.IsPathRooted(program) || program.Contains('/') ? program
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
                .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists) ?? program;

    /// <summary>The dotnet host running the tests (dotnet test sets DOTNET_HOST_PATH).</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
}
