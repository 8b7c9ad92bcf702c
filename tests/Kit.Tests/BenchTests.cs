using System.Globalization;
using System.Text.RegularExpressions;
using Kit.Benchmarks;
using Kit.Tests.Support;
using Xunit;

namespace Kit.Tests;

public sealed class BenchTests
{
    [Fact]
    public void The_eager_gauss_Hessian_is_skipped_where_its_estimated_memory_would_not_fit()
    {
        // At 100 000 × 100 000 pixels the estimate (from a measured 200 × 200 run) is far over 8 GiB: skipped, not run.
        Assert.False(BenchCommand.FitsInMemory(100_000));
        // At the probe's own size it is simply run.
        Assert.True(BenchCommand.FitsInMemory(200));
    }

    [Fact]
    public void Every_method_reports_its_first_call_apart_from_its_warm_median()
    {
        var result = ChildProcess.Run(ChildProcess.Dotnet,
            ["exec", typeof(Kit.Cli).Assembly.Location, "bench", "toy", "--n", "20", "--methods", "rev-over-rev", "--repeats", "2"],
            Repository.Root, TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.Output);
        var lines = result.Output.Split('\n').Where(l => l.StartsWith("bench toy ")).ToList();
        Assert.Contains(lines, l => l.StartsWith("bench toy fwd-over-rev "));
        Assert.Contains(lines, l => l.StartsWith("bench toy rev-over-rev "));
        foreach (var line in lines)
        {
            var first = Regex.Match(line, @" first_ms=([0-9.eE+-]+)");
            Assert.True(first.Success, $"no first_ms in: {line}");
            Assert.True(double.Parse(first.Groups[1].Value, CultureInfo.InvariantCulture) > 0, line);
        }
    }
}
