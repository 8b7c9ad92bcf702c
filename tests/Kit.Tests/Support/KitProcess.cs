using System.Diagnostics;

namespace Kit.Tests.Support;

/// <summary>Runs the built kit as a separate process, as a user (or CI) would.</summary>
public static class KitProcess
{
    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed);

    public static Result Run(string workingDirectory, params string[] args)
    {
        var dll = typeof(Kit.Cli).Assembly.Location;
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", dll }.Concat(args)) info.ArgumentList.Add(arg);
        info.Environment["COLUMNS"] = "200";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kit {string.Join(' ', args)} did not finish");
        }
        return new Result(process.ExitCode, stdout.Result + stderr.Result, clock.Elapsed);
    }
}
