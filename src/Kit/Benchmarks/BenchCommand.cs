using System.Diagnostics;
using System.CommandLine;
using Adjoint;
using Adjoint.Gpu;
using Course;
using Spectre.Console;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Kit.Benchmarks;

/// <summary>
/// <c>kit bench gauss|toy</c>: every method of a suite timed in one process, so the ratios are fair.
/// Prints a table and one machine-readable <c>bench …</c> line per method.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var suite = new Argument<string>("suite") { Description = "gauss (the 6×6 Hessian of the Gaussian/Cauchy likelihood) or toy (the four Jacobian orderings)." };
        suite.AcceptOnlyFromAmong("gauss", "toy");
        var n = new Option<int?>("--n") { Description = "Problem size: image side for gauss (default 3000), dimension for toy (default 200)." };
        var methods = new Option<string[]>("--methods") { Description = "Only these methods (default: all of the suite).", AllowMultipleArgumentsPerToken = true };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per method (after warm-up).", DefaultValueFactory = _ => 10 };
        repeats.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--repeats must be at least 1."); });
        var device = new Option<string>("--device") { Description = "gpu: also time the Hessian on an ILGPU accelerator (gauss; CUDA if present, else ILGPU's CPU accelerator).", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "gpu");
        var command = new Command("bench", "Benchmark AD against finite differences and the hand-written limit.") { suite, n, methods, repeats, device };
        command.SetAction(r =>
        {
            var chosen = r.GetValue(methods) is { Length: > 0 } m ? m.ToHashSet() : null;
            return r.GetValue(suite) == "gauss"
                ? Gauss(r.GetValue(n) ?? 3000, chosen, r.GetValue(repeats), r.GetValue(device) == "gpu")
                : Toy(r.GetValue(n) ?? 200, chosen, r.GetValue(repeats));
        });
        return command;
    }

    private static readonly double[] Point = [0.1, -0.05, 0.9, 0.55, 0.1, 0.05];

    /// <summary>
    /// A benchmarked method, made from the suite's data so that it can also be made at a small size: there its peak
    /// memory is measured before it runs at full size. <paramref name="Growth"/>: its memory grows as n^Growth beyond
    /// the data (0: bounded). <paramref name="FixedN"/>: the size it always runs at, whatever n (then it is not probed).
    /// </summary>
    private sealed record Method<TData>(string Name, Func<TData, Func<object>> Make, int Repeats, int Growth = 0, int? FixedN = null);

    /// <summary>The 6×6 Hessian of the Gaussian/Cauchy likelihood by every method; <c>hand</c> is the reference.</summary>
    public static int Gauss(int n, ISet<string>? only, int repeats, bool gpu = false)
    {
        AnsiConsole.MarkupLine($"[bold]gauss[/]: exact 6×6 Hessian of the Cauchy likelihood on a {n}×{n} image ({(long)n * n:N0} pixels), {Machine}");
        if (n < 2 || n > GaussModel.MaxSide) return Refuse($"--n {n}: the image side must be between 2 and {GaussModel.MaxSide:N0} (n² pixels in one array).");
        static GaussData DataAt(int size) { var model = GaussModel.Simulate(size); return new(model, new GaussLikelihood(model)); }

        var starting = Stopwatch.StartNew();
        using var backend = gpu ? new GpuBackend() : null; // compiles the device's interpreter kernels
        if (backend is not null) AnsiConsole.MarkupLine($"  gpu: {Markup.Escape(backend.Description)}; kernels compiled in {starting.Elapsed.TotalMilliseconds:F0} ms");
        var p = Array(Point);
        var methods = new Method<GaussData>[]
        {
            new("hand", data => () => HandHessian.Fused(data.Model, Point).Hessian, repeats),
            new("jit", data => { var hessian = Jit(Hessian(data.Likelihood.Nll)); return () => hessian(p); }, repeats),
            // A new Jit every call: tracing, simplifying, compiling and one run each time, with the process already warm
            // (what a second jitted function costs; `jit`'s first call adds the process's one-time start-up).
            new("jit-new", data => () => Jit(Hessian(data.Likelihood.Nll))(p), Math.Max(3, repeats / 3)),
            // Eager AD keeps every intermediate of the image alive at once.
            new("eager", data => () => Hessian(data.Likelihood.Nll)(p), Math.Max(1, repeats / 5), Growth: 2),
            new("fd-central", data => { var value = JitValue(data); return () => FiniteDifferences.Hessian(value, Point); }, Math.Max(1, repeats / 5)),
            new("fd-numdifftools", data => { var value = JitValue(data); return () => FiniteDifferences.NumdifftoolsHessian(value, Point); }, 1),
            new("fd-numdifftools-eager", data => () => FiniteDifferences.NumdifftoolsHessian(x => data.Likelihood.Nll(Array(x)).Item, Point), 1, Growth: 2),
        };
        if (backend is not null) methods = [.. methods, new("gpu", data => { var hessian = backend.Jit(Hessian(data.Likelihood.Nll)); return () => hessian(p); }, repeats)];
        var devices = backend is null ? null : new Dictionary<string, string> { ["gpu"] = backend.Device };
        // The device runs the CPU Jit's program: both are always timed, to be compared.
        return Run("gauss", n, methods, only is null || backend is null ? only : only.Append("gpu").Append("jit").ToHashSet(),
            ("the images", Growth: 2, DataAt), warmups: 1, devices);
    }

    /// <summary>The Gaussian suite's data: the simulated images and the likelihood over them.</summary>
    private sealed record GaussData(GaussModel Model, GaussLikelihood Likelihood);

    private static Func<double[], double> JitValue(GaussData data)
    {
        var value = Jit(data.Likelihood.Nll);
        return x => value(Array(x)).Item;
    }

    /// <summary>The cores and the widest SIMD vectors the JIT uses here (the fused loop's width).</summary>
    private static string Machine =>
        $"{Environment.ProcessorCount} cores, {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256 : 128)}-bit SIMD";

    /// <summary>The most memory a benchmarked method may need: what the issue allows, and never more than is free.</summary>
    private const double GiB = 1024.0 * 1024 * 1024, MemoryBudgetBytes = 8 * GiB;

    /// <summary>The size at which a method's memory is measured before it runs at a larger one.</summary>
    internal const int ProbeSize = 200;

    /// <summary>
    /// The heap grows faster than the live data: on a larger heap the collector leaves more garbage between collections.
    /// Measured for the eager Gaussian Hessian: 73 MB at n = 200, 12.8 GB at n = 2000, 1.75 times the n² scaling.
    /// </summary>
    private const double GarbageMargin = 2;

    /// <summary>
    /// Whether <paramref name="what"/>, whose memory grows as n^<paramref name="growth"/>, fits at size n: its peak is
    /// measured in one run at <see cref="ProbeSize"/> (the heap's growth over what was live before), scaled by
    /// (n / ProbeSize)^growth and by <see cref="GarbageMargin"/>. Where it would not fit, says so with the estimate.
    /// Bounded things (growth 0) and sizes up to the probe's are not probed.
    /// </summary>
    internal static bool FitsInMemory(string what, int n, int growth, Func<int, Func<object>> runAt)
    {
        if (growth == 0 || n <= ProbeSize) return true;
        var run = runAt(ProbeSize);
        var probe = Measurement.Time("probe", what, ProbeSize, () => run(), repeats: 1, warmups: 0);
        double probeBytes = Math.Max(0, probe.PeakMegabytes - probe.BaselineMegabytes) * 1024 * 1024;
        double estimated = GarbageMargin * probeBytes * Math.Pow((double)n / ProbeSize, growth);
        double free = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - GC.GetTotalMemory(false);
        double budget = Math.Min(MemoryBudgetBytes, 0.8 * free);
        if (estimated <= budget) return true;
        AnsiConsole.MarkupLine($"[yellow]skipping {Markup.Escape(what)}: its estimated peak at n = {n} is {estimated / GiB:F1} GiB " +
                               $"({probeBytes / (1024 * 1024):F0} MB measured at n = {ProbeSize}, scaled by (n / {ProbeSize})^{growth} and doubled for garbage), over the " +
                               $"{budget / GiB:F1} GiB allowed (8 GiB, or 80% of what is free).[/]");
        return false;
    }

    private static int Refuse(string why)
    {
        AnsiConsole.MarkupLine($"[red]bench: {Markup.Escape(why)}[/]");
        return 2;
    }

    /// <summary>The toy Hessian by the four orderings and the gradient by JacRev vs JacFwd; fwd-over-rev is the reference.</summary>
    public static int Toy(int n, ISet<string>? only, int repeats)
    {
        AnsiConsole.MarkupLine($"[bold]toy[/]: f(x) = Σ(x² − x³ − x), Hessian at n = {n}, gradient at n = 1000, {Machine}");
        if (n < 1) return Refuse($"--n {n}: the dimension must be at least 1.");
        static Tensor F(Tensor x) => Sum(Pow(x, 2) - Pow(x, 3) - x);
        var x1000 = Uniform([1000], seed: 1);
        // The lecture function: eager overhead per transformation call on scalars.
        static Tensor Lecture(Tensor x1, Tensor x2) { var a = x1 / x2; var d = a - Exp(x2); return d * (Sin(a) + d); }
        var lectureGrad = Grad(Lecture, argnums: (0, 1));
        // Growth: the Hessian is n×n; the orderings with forward mode inside batch n tangents through n×n Jacobians (n³).
        var methods = new Method<Tensor>[]
        {
            new("fwd-over-rev", x => () => JacFwd(JacRev(F))(x), repeats * 10, Growth: 2),
            new("rev-over-rev", x => () => JacRev(JacRev(F))(x), repeats * 10, Growth: 2),
            new("rev-over-fwd", x => () => JacRev(JacFwd(F))(x), repeats, Growth: 3),
            new("fwd-over-fwd", x => () => JacFwd(JacFwd(F))(x), repeats, Growth: 3),
            new("hessian", x => () => Hessian(F)(x), repeats * 10, Growth: 2),
            new("jit-fwd-over-rev", x => { var jitted = Jit(JacFwd(JacRev(F))); return () => jitted(x); }, repeats * 10, Growth: 2),
            new("grad-lecture", _ => () => lectureGrad(1.0, 1.0), repeats * 100, FixedN: 2),
            new("grad-jacrev", _ => () => JacRev(F)(x1000), repeats * 10, FixedN: 1000),
            new("grad-jacfwd", _ => () => JacFwd(F)(x1000), Math.Max(3, repeats / 2), FixedN: 1000),
        };
        return Run("toy", n, methods, only, ("the input", Growth: 1, size => Uniform([size], seed: 1)), warmups: 3);
    }

    /// <summary>
    /// A method's result as a matrix, for the checks: the timed calls return what the method returns (a tensor), so
    /// that no conversion is timed with them.
    /// </summary>
    private static double[,] AsMatrix(object result) => result switch
    {
        double[,] matrix => matrix,
        Tensor { Rank: 2 } t => t.ToArray2D(),
        Tensor t => Column(t.ToArray()),
        ValueTuple<Tensor, Tensor> (var a, var b) => Column([a.Item, b.Item]),
        _ => throw new ArgumentException($"a benchmark returned {result.GetType().Name}"),
    };

    private static double[,] Column(double[] values)
    {
        var result = new double[values.Length, 1];
        for (int i = 0; i < values.Length; i++) result[i, 0] = values[i];
        return result;
    }

    /// <summary>
    /// Takes the reference (the first method) and those in <paramref name="only"/> (all where null), skips those that
    /// would not fit in memory at size n (the suite stops if its data or its reference would not: the data, which every
    /// method holds, grows as n^Growth), makes the others from the data at size n, checks each against the reference,
    /// then times them all.
    /// </summary>
    private static int Run<TData>(string suite, int n, Method<TData>[] suiteMethods, ISet<string>? only,
        (string Name, int Growth, Func<int, TData> At) data, int warmups, IReadOnlyDictionary<string, string>? devices = null)
    {
        var unknown = only?.Except(suiteMethods.Select(m => m.Name)).ToArray() ?? [];
        if (unknown.Length > 0)
            return Refuse($"no method {string.Join(", ", unknown)} in {suite}; its methods: {string.Join(", ", suiteMethods.Select(m => m.Name))}.");
        var dataAt = data.At;
        if (!FitsInMemory(data.Name, n, data.Growth, size => () => dataAt(size)!))
            return Refuse($"{data.Name} alone would not fit in memory; choose a smaller --n.");
        var all = suiteMethods.Where((m, i) => i == 0 || only is null || only.Contains(m.Name)).ToArray();
        bool Fits(Method<TData> m) => m.FixedN is not null || FitsInMemory(m.Name, n, m.Growth, size => m.Make(dataAt(size)));
        if (!Fits(all[0])) return Refuse($"its reference, {all[0].Name}, would not fit in memory at n = {n}; choose a smaller --n.");
        var fitting = all.Take(1).Concat(all.Skip(1).Where(Fits)).ToArray();
        var atN = dataAt(n);
        var methods = fitting.Select(m => (m.Name, N: m.FixedN ?? n, Run: m.Make(atN), m.Repeats)).ToArray();
        // Each method's first call is timed on its own: for jit it includes tracing, simplifying and compiling.
        var firstCall = new Dictionary<string, double>();
        double[,] TimedFirstCall(string name, Func<object> run)
        {
            var watch = Stopwatch.StartNew();
            var result = run();
            firstCall[name] = watch.Elapsed.TotalMilliseconds;
            return AsMatrix(result);
        }
        var reference = TimedFirstCall(methods[0].Name, methods[0].Run);
        var results = new Dictionary<string, double[,]> { [methods[0].Name] = reference };
        foreach (var (name, _, run, _) in methods.Skip(1))
        {
            if (name.StartsWith("fd-numdifftools")) continue; // checked below, after its single timed run (its first call)
            var result = results[name] = TimedFirstCall(name, run);
            if (name.StartsWith("grad-")) continue; // a gradient, not the Hessian
            var error = RelativeError(result, reference);
            AnsiConsole.MarkupLine($"  check {name}: max relative difference from {methods[0].Name} = {error:G3}");
            if (error > 1e-4) { AnsiConsole.MarkupLine($"[red]{name} disagrees with {methods[0].Name}[/]"); return 1; }
        }

        var table = new Table().AddColumns("method", "n", "first call ms", "median ms", "min ms", "max ms", "runs", "ratio", "peak MB");
        var measurements = new List<Measurement>();
        foreach (var (name, size, run, repeats) in methods)
        {
            object? last = null;
            bool slow = name.StartsWith("fd-numdifftools");
            var m = Measurement.Time(suite, name, size, () => last = run(), repeats, slow ? 0 : warmups);
            if (slow && RelativeError(AsMatrix(last!), reference) is var error && error > 1e-3)
                AnsiConsole.MarkupLine($"[yellow]{name}: max relative difference {error:G3} (finite differences)[/]");
            measurements.Add(m);
            firstCall.TryAdd(name, m.Milliseconds[0]); // timed without warm-up: its first run was its first call
            Console.WriteLine(m.Line(measurements[0].Median) + FormattableString.Invariant($" first_ms={firstCall[name]:G6}")
                              + (devices?.TryGetValue(name, out var device) == true ? $" device=\"{device}\"" : ""));
        }
        foreach (var m in measurements)
            table.AddRow(m.Method, $"{m.N}", $"{firstCall[m.Method]:F1}", $"{m.Median:F3}", $"{m.Min:F3}", $"{m.Max:F3}", $"{m.Milliseconds.Count}", $"{m.Median / measurements[0].Median:F2}", $"{m.PeakMegabytes:F0}");
        AnsiConsole.Write(table);
        // A device method runs the CPU Jit's program on other hardware: its time and its result against the Jit's.
        var jit = measurements.Find(m => m.Method == "jit");
        foreach (var (name, device) in devices ?? new Dictionary<string, string>())
        {
            if (jit is null || measurements.Find(m => m.Method == name) is not { } onDevice) continue;
            double difference = RelativeError(results[name], results["jit"]);
            AnsiConsole.MarkupLine($"{name} on {Markup.Escape(device)}: first call (trace, plan, upload, run) {firstCall[name]:F1} ms, median {onDevice.Median:F3} ms, " +
                                   $"{onDevice.Median / jit.Median:F2} × the CPU jit's {jit.Median:F3} ms; max relative difference from jit {difference:G3}");
            if (difference > 1e-10) { AnsiConsole.MarkupLine($"[red]{name} disagrees with jit beyond 1e-10[/]"); return 1; }
        }
        return 0;
    }

    private static double RelativeError(double[,] a, double[,] b)
    {
        double scale = 0, worst = 0;
        foreach (var v in b) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                worst = Math.Max(worst, Math.Abs(a[i, j] - b[i, j]));
        return worst / Math.Max(scale, double.Epsilon);
    }
}
