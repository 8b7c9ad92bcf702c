using Kit.Tests.Support;

namespace Kit.Tests;

/// <summary>
/// Adjoint's one-time advice when a process keeps .NET's default large-object-heap threshold, checked in real
/// processes (the kit's own runtime config raises the threshold; the environment variable overrides it).
/// </summary>
public sealed class LargeObjectHeapAdviceTests
{
    private static ChildProcess.Result Toy(Dictionary<string, string> environment) =>
        ChildProcess.Run(ChildProcess.Dotnet,
            ["exec", typeof(Kit.Cli).Assembly.Location, "bench", "toy", "--n", "200", "--methods", "fwd-over-rev", "--repeats", "1"],
            Repository.Root, TimeSpan.FromMinutes(5), environment);

    [Fact]
    public void A_process_with_the_default_threshold_is_told_once_how_to_raise_it()
    {
        var result = Toy(new() { ["DOTNET_GCLOHThreshold"] = "0x14C08" }); // 85,000 bytes: .NET's default
        Assert.True(result.ExitCode == 0, result.Output);
        var advice = result.Output.Split('\n').Where(line => line.StartsWith("Adjoint: this process puts arrays over 85 kB")).ToList();
        Assert.Single(advice);
        Assert.Contains("DOTNET_GCLOHThreshold=0x800000", advice[0]);
    }

    [Fact]
    public void A_process_with_the_course_settings_is_not()
    {
        var result = Toy([]);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.DoesNotContain("large-object heap", result.Output);
    }
}
