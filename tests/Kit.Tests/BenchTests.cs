using System.Globalization;
using System.Text.RegularExpressions;
using Kit.Benchmarks;
using Kit.Tests.Support;
using Xunit;

namespace Kit.Tests;

public sealed class BenchTests
{
    [Fact]
    public void A_method_is_skipped_where_its_memory_scaled_from_a_small_run_would_not_fit()
    {
        // n² doubles: 320 KB measured at the probe's size; 160 GB estimated at 100 000 (with the margin for garbage), 16 MB at 1 000.
        static Func<object> Square(int size) => () => new double[size * size];
        Assert.False(BenchCommand.FitsInMemory("square", 100_000, growth: 2, Square));
        Assert.True(BenchCommand.FitsInMemory("square", 1_000, growth: 2, Square));
        // n doubles grow too slowly to matter at 100 000; bounded methods and small sizes are not probed at all.
        Assert.True(BenchCommand.FitsInMemory("line", 100_000, growth: 1, size => () => new double[size]));
        Assert.True(BenchCommand.FitsInMemory("bounded", 100_000, growth: 0, _ => throw new InvalidOperationException("probed")));
        Assert.True(BenchCommand.FitsInMemory("small", BenchCommand.ProbeSize, growth: 3, _ => throw new InvalidOperationException("probed")));
    }

    [Theory]
    // The eager Hessian's peak grows with the pixels (2.8 GB measured at 1000 × 1000): far over 8 GiB at 2000 × 2000,
    // where the images take some 200 MB and the hand pass runs.
    [InlineData("gauss", "2000", "eager", "hand")]
    // rev∘fwd grows as n³ (618 MB at 200); fwd∘rev as n².
    [InlineData("toy", "1500", "rev-over-fwd", "fwd-over-rev")]
    public void A_method_that_could_not_fit_is_skipped_and_the_reference_runs(string suite, string n, string method, string reference)
    {
        var result = Bench(suite, "--n", n, "--methods", method, "--repeats", "1");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"skipping {method}: its estimated peak at n = {n}", result.Output);
        Assert.Contains($"bench {suite} {reference} n={n}", result.Output);
        Assert.DoesNotContain($"bench {suite} {method}", result.Output);
    }

    [Theory]
    [InlineData("gauss", "100000", "between 2 and 46,340")] // n² overflows an int: used to crash with IndexOutOfRangeException
    [InlineData("gauss", "1", "between 2 and 46,340")]
    [InlineData("gauss", "40000", "the images alone would not fit")] // 1.6 billion pixels: refused before they are made
    [InlineData("toy", "0", "at least 1")]
    [InlineData("toy", "60000", "its reference, fwd-over-rev, would not fit")]
    public void A_size_that_cannot_run_is_refused_with_the_reason(string suite, string n, string reason)
    {
        var result = Bench(suite, "--n", n, "--repeats", "1");
        Assert.True(result.ExitCode == 2, result.Output);
        Assert.Contains(reason, result.Output);
        Assert.DoesNotContain("Unhandled exception", result.Output);
    }

    [Fact]
    public void An_unknown_method_is_named_with_the_suites_methods_instead_of_being_ignored()
    {
        var result = Bench("toy", "--n", "20", "--methods", "hessian", "jit-fwd-over-reverse", "--repeats", "1");
        Assert.True(result.ExitCode == 2, result.Output);
        Assert.Contains("no method jit-fwd-over-reverse in toy; its methods: fwd-over-rev,", result.Output);
        Assert.DoesNotContain("bench toy", result.Output); // nothing ran
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void Fewer_than_one_timed_run_is_refused_by_the_parser(string repeats)
    {
        var result = Bench("toy", "--n", "20", "--repeats", repeats);
        Assert.True(result.ExitCode == 1, result.Output);
        Assert.Contains("--repeats must be at least 1.", result.Output);
        Assert.DoesNotContain("Unhandled exception", result.Output);
    }

    [Fact]
    public void The_device_run_is_compared_with_the_CPU_jit_in_time_and_result()
    {
        // Without CUDA the backend runs on ILGPU's CPU accelerator: the same program, the same comparison.
        var result = Bench("gauss", "--n", "40", "--device", "gpu", "--methods", "hand", "--repeats", "1");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Matches(@"kernels compiled in \d+ ms", result.Output);
        Assert.Contains("bench gauss jit n=40", result.Output); // timed although only hand was asked for
        var line = Regex.Match(result.Output, @"gpu on (.+): first call .* ([0-9.]+) ms, median ([0-9.]+) ms, ([0-9.]+) × the CPU jit's .*; max relative difference from jit (\S+)");
        Assert.True(line.Success, result.Output);
        Assert.True(double.Parse(line.Groups[5].Value, CultureInfo.InvariantCulture) <= 1e-10, line.Value);
    }

    private static ChildProcess.Result Bench(params string[] arguments) =>
        ChildProcess.Run(ChildProcess.Dotnet, ["exec", typeof(Kit.Cli).Assembly.Location, "bench", .. arguments], Repository.Root, TimeSpan.FromMinutes(5));

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
