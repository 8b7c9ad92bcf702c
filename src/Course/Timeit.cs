using System.Diagnostics;
using System.Globalization;

namespace Course;

/// <summary>
/// The result of <see cref="Timeit.Run"/>: <see cref="Repeat"/> runs of <see cref="Loops"/> calls
/// each; every statistic is per call (a run's time divided by <see cref="Loops"/>), in seconds.
/// </summary>
public sealed record TimeitResult(int Repeat, int Loops, IReadOnlyList<double> PerLoopSeconds)
{
    /// <summary>Mean per-call time over the runs.</summary>
    public double Mean => PerLoopSeconds.Average();

    /// <summary>Population standard deviation over the runs (as IPython's numpy.std).</summary>
    public double Std => Math.Sqrt(PerLoopSeconds.Average(t => (t - Mean) * (t - Mean)));

    /// <summary>Fastest run (per call): the least disturbed by other work.</summary>
    public double Best => PerLoopSeconds.Min();

    /// <summary>Slowest run (per call).</summary>
    public double Worst => PerLoopSeconds.Max();

    /// <summary>Median run (per call); the mean of the two middle runs when <see cref="Repeat"/> is even.</summary>
    public double Median
    {
        get
        {
            var s = PerLoopSeconds.Order().ToArray();
            int h = s.Length / 2;
            return s.Length % 2 == 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
        }
    }

    /// <summary>Mean in milliseconds, handy for tables.</summary>
    public double MeanMs => Mean * 1e3;

    /// <summary>Median in milliseconds.</summary>
    public double MedianMs => Median * 1e3;

    /// <summary>IPython's line: <c>1.23 ms ± 45.6 µs per loop (mean ± std. dev. of 10 runs, 10 loops each)</c>.</summary>
    public override string ToString() =>
        $"{Timeit.FormatTime(Mean)} ± {Timeit.FormatTime(Std)} per loop (mean ± std. dev. of {Repeat} run{(Repeat == 1 ? "" : "s")}, " +
        $"{Loops.ToString("N0", CultureInfo.InvariantCulture)} loop{(Loops == 1 ? "" : "s")} each)";
}

/// <summary>IPython's <c>%%timeit -r R -n N</c> for C#.</summary>
public static class Timeit
{
    /// <summary>
    /// Calls <paramref name="action"/> <paramref name="warmup"/> times (so the JIT has tiered up
    /// and buffers exist), then <paramref name="repeat"/> runs of <paramref name="loops"/> calls,
    /// timing each run with <see cref="Stopwatch"/>. <paramref name="loops"/> = 0 picks the count
    /// as IPython does: the first of 1, 10, 100, ... whose run takes at least 0.2 s.
    /// </summary>
    public static TimeitResult Run(Action action, int repeat = 7, int loops = 0, int warmup = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(loops);
        for (int i = 0; i < warmup; i++) action();
        if (loops == 0) loops = AutoLoops(action);
        var perLoop = new double[repeat];
        for (int r = 0; r < repeat; r++) perLoop[r] = TimeLoops(action, loops) / loops;
        return new TimeitResult(repeat, loops, perLoop);
    }

    /// <summary>IPython's auto-loop rule: loops = 10^k for the first k whose run takes ≥ 0.2 s (at most 10⁹).</summary>
    public static int AutoLoops(Action action, double minSeconds = 0.2)
    {
        for (int k = 0; k < 10; k++)
        {
            int loops = (int)Math.Pow(10, k);
            if (TimeLoops(action, loops) >= minSeconds) return loops;
        }
        return 1_000_000_000;
    }

    private static double TimeLoops(Action action, int loops)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < loops; i++) action();
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// IPython's <c>_format_time</c>: 3 significant digits in s, ms, µs or ns (e.g. "1.23 ms",
    /// "45.6 µs", "800 ns"); a minute or more as "1h 2min 3s".
    /// </summary>
    public static string FormatTime(double seconds, int precision = 3)
    {
        if (seconds >= 60.0)
        {
            var parts = new List<string>();
            double left = seconds;
            foreach (var (suffix, length) in new[] { ("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0) })
            {
                int value = (int)(left / length);
                if (value > 0)
                {
                    left %= length;
                    parts.Add($"{value}{suffix}");
                }
                if (left < 1) break;
            }
            return string.Join(" ", parts);
        }
        string[] units = ["s", "ms", "µs", "ns"];
        int order = seconds > 0 ? Math.Min(-(int)Math.Floor(Math.Floor(Math.Log10(seconds)) / 3), 3) : 3;
        double scaled = seconds * Math.Pow(1000, order);
        // Python's "%.3g" writes exponents as e-10, .NET's G3 as E-10.
        return $"{scaled.ToString("G" + precision, CultureInfo.InvariantCulture).ToLowerInvariant()} {units[order]}";
    }
}
