using System.Diagnostics;

namespace Kit.Benchmarks;

/// <summary>One timed method: per-run times in milliseconds and the peak memory seen while it ran.</summary>
public sealed record Measurement(string Suite, string Method, int N, IReadOnlyList<double> Milliseconds, double PeakMegabytes)
{
    public double Median => Percentile(0.5);
    public double Min => Milliseconds.Min();
    public double Max => Milliseconds.Max();

    private double Percentile(double q)
    {
        var sorted = Milliseconds.Order().ToArray();
        double position = q * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        return lower + 1 < sorted.Length ? sorted[lower] + (position - lower) * (sorted[lower + 1] - sorted[lower]) : sorted[lower];
    }

    /// <summary>The machine-readable line: <c>bench &lt;suite&gt; &lt;method&gt; n=&lt;n&gt; median_ms=&lt;x&gt; ratio=&lt;x/reference&gt;</c>.</summary>
    public string Line(double referenceMedian) =>
        FormattableString.Invariant($"bench {Suite} {Method} n={N} median_ms={Median:G6} ratio={Median / referenceMedian:G6} min_ms={Min:G6} max_ms={Max:G6} runs={Milliseconds.Count} peak_mb={PeakMegabytes:F0}");

    /// <summary>
    /// Warms up (at least <paramref name="warmups"/> runs and, for fast methods, half a second, so the
    /// JIT has tiered up), then times <paramref name="repeats"/> runs. Memory is sampled every few milliseconds
    /// on a background thread: the managed heap's size (live data plus garbage not yet collected), after
    /// a full compacting collection before the method starts, so it reflects this method alone.
    /// </summary>
    public static Measurement Time(string suite, string method, int n, Action action, int repeats, int warmups)
    {
        var warming = Stopwatch.StartNew();
        for (int i = 0; i < warmups || (warmups > 0 && warming.Elapsed.TotalSeconds < 0.5); i++) action();
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var sampler = new MemorySampler();
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return new Measurement(suite, method, n, times, sampler.PeakMegabytes);
    }

    private sealed class MemorySampler : IDisposable
    {
        private readonly Thread thread;
        private volatile bool stop;
        private long peak;

        public MemorySampler()
        {
            thread = new Thread(() =>
            {
                while (!stop)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(false));
                    Thread.Sleep(2);
                }
            }) { IsBackground = true };
            thread.Start();
        }

        public double PeakMegabytes => peak / (1024.0 * 1024.0);

        public void Dispose()
        {
            stop = true;
            thread.Join();
        }
    }
}
