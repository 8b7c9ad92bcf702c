using System.Diagnostics;
using Course;

namespace Course.Tests;

public class TimeitTests
{
    [Theory]
    [InlineData(1.234e-3, "1.23 ms")]
    [InlineData(4.56e-5, "45.6 µs")]
    [InlineData(8e-7, "800 ns")]
    [InlineData(2.5, "2.5 s")]
    [InlineData(0.5, "500 ms")]
    [InlineData(1e-3, "1 ms")]
    [InlineData(3725.0, "1h 2min 5s")]
    [InlineData(2.17e-19, "2.17e-10 ns")]
    public void Formats_times_as_ipython(double seconds, string expected) =>
        Assert.Equal(expected, Timeit.FormatTime(seconds));

    [Fact]
    public void Statistics_of_the_runs()
    {
        var r = new TimeitResult(4, 10, [4e-3, 1e-3, 3e-3, 2e-3]);
        Assert.Equal(2.5e-3, r.Mean, 15);
        Assert.Equal(Math.Sqrt((2.25 + 0.25 + 0.25 + 2.25) / 4) * 1e-3, r.Std, 15);
        Assert.Equal(1e-3, r.Best);
        Assert.Equal(4e-3, r.Worst);
        Assert.Equal(2.5e-3, r.Median, 15);
        Assert.Equal(2.5, r.MeanMs, 12);
    }

    [Fact]
    public void Prints_like_ipython()
    {
        // 2⁻¹⁰ s: the mean of equal powers of two is exact, so the std is exactly 0.
        var r = new TimeitResult(10, 10, Enumerable.Repeat(1.0 / 1024, 10).ToArray());
        Assert.Equal("977 µs ± 0 ns per loop (mean ± std. dev. of 10 runs, 10 loops each)", r.ToString());
        var single = new TimeitResult(1, 1000, [2e-6]);
        Assert.Equal("2 µs ± 0 ns per loop (mean ± std. dev. of 1 run, 1,000 loops each)", single.ToString());
    }

    [Fact]
    public void Runs_warmup_then_repeat_times_loops()
    {
        int calls = 0;
        var r = Timeit.Run(() => calls++, repeat: 3, loops: 4, warmup: 2);
        Assert.Equal(2 + 3 * 4, calls);
        Assert.Equal(3, r.PerLoopSeconds.Count);
        Assert.All(r.PerLoopSeconds, t => Assert.True(t >= 0));
    }

    [Fact]
    public void Measures_the_time_of_the_work()
    {
        static void Busy() { var sw = Stopwatch.StartNew(); while (sw.Elapsed.TotalMilliseconds < 2) { } }
        var r = Timeit.Run(Busy, repeat: 3, loops: 5);
        Assert.InRange(r.Best, 2e-3, 20e-3);
    }

    [Fact]
    public void Auto_loop_count_reaches_a_fifth_of_a_second()
    {
        // 30 ms per call: 1 loop is too short, 10 loops (0.3 s) is enough.
        static void Busy() { var sw = Stopwatch.StartNew(); while (sw.Elapsed.TotalMilliseconds < 30) { } }
        Assert.Equal(10, Timeit.AutoLoops(Busy));
    }
}
