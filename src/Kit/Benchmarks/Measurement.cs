using System.Diagnostics;
using System.Runtime;

namespace Kit.Benchmarks;

/// <summary>One timed method: per-run times in milliseconds and the peak memory seen while it ran.</summary>
public sealed record Measurement(string Suite, string Method, int N, IReadOnlyList<double> Milliseconds, double PeakMegabytes)
{
    /// <summary>The heap's size when the timed runs started (what was live before): the method's own share is the peak less this.</summary>
    public double BaselineMegabytes { get; init; }

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
    /// Warms up (at least <paramref name="warmups"/> runs, then until the JIT has compiled nothing new for a
    /// second, at most <see cref="MaximumWarmUp"/>), then times <paramref name="repeats"/> runs. Tiered compilation
    /// recompiles hot methods in the background for seconds: the runtime's vector exp and hypot, which a Jit kernel
    /// calls, ran unoptimised for the first ~5 s of a 300×300 Hessian loop (22 ns per pixel, then 7).
    /// Memory is sampled every few milliseconds on a background thread: the managed heap's size (live data plus
    /// garbage not yet collected), after a full compacting collection before the method starts, so it reflects
    /// this method alone.
    /// </summary>
    public static Measurement Time(string suite, string method, int n, Action action, int repeats, int warmups)
    {
        var warming = Stopwatch.StartNew();
        for (int i = 0; i < warmups; i++) action();
        var quiet = Stopwatch.StartNew();
        long compiled = JitInfo.GetCompiledMethodCount();
        while (warmups > 0 && quiet.Elapsed < JitQuiet && warming.Elapsed < MaximumWarmUp)
        {
            action();
            long now = JitInfo.GetCompiledMethodCount();
            if (now == compiled) continue;
            compiled = now;
            quiet.Restart();
        }
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var times = new List<double>();
        var sampler = new MemorySampler();
        using (sampler) // disposed before its peak is read: disposing takes the last sample
        {
            for (int i = 0; i < repeats; i++)
            {
                var watch = Stopwatch.StartNew();
                action();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        return new Measurement(suite, method, n, times, sampler.PeakMegabytes) { BaselineMegabytes = sampler.StartMegabytes };
    }

    private static readonly TimeSpan JitQuiet = TimeSpan.FromSeconds(1), MaximumWarmUp = TimeSpan.FromSeconds(15);

    private sealed class MemorySampler : IDisposable
    {
        private readonly Thread thread;
        private volatile bool stop;
        private readonly long start;
        private long peak;

        public MemorySampler()
        {
            start = GC.GetTotalMemory(false);
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

        public double StartMegabytes => start / (1024.0 * 1024.0);
        public double PeakMegabytes => Math.Max(peak, start) / (1024.0 * 1024.0);

        public void Dispose()
        {
            stop = true;
            thread.Join();
            // A run shorter than the sampling interval: what it left on the heap (garbage not yet collected) still counts.
            peak = Math.Max(peak, GC.GetTotalMemory(false));
        }
    }
}
