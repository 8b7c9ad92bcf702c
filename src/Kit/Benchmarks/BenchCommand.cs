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

    /// <summary>The 6×6 Hessian of the Gaussian/Cauchy likelihood by every method; <c>hand</c> is the reference.</summary>
    public static int Gauss(int n, ISet<string>? only, int repeats, bool gpu = false)
    {
        AnsiConsole.MarkupLine($"[bold]gauss[/]: exact 6×6 Hessian of the Cauchy likelihood on a {n}×{n} image ({n * n:N0} pixels), {Machine}");
        var data = GaussModel.Simulate(n);
        var likelihood = new GaussLikelihood(data);
        var p = Array(Point);
        var jitHessian = Jit(Hessian(likelihood.Nll));
        var jitValue = Jit(likelihood.Nll);
        double JitValue(double[] x) => jitValue(Array(x)).Item;
        double EagerValue(double[] x) => likelihood.Nll(Array(x)).Item;
        using var backend = gpu ? new GpuBackend() : null;
        if (backend is not null) AnsiConsole.MarkupLine($"  gpu: {Markup.Escape(backend.Description)}");
        var gpuHessian = backend?.Jit(Hessian(likelihood.Nll));

        var methods = new (string Name, int N, Func<object> Run, int Repeats)[]
        {
            ("hand", n, () => HandHessian.Fused(data, Point).Hessian, repeats),
            ("jit", n, () => jitHessian(p), repeats),
            // A new Jit every call: tracing, simplifying, compiling and one run each time, with the process already warm
            // (what a second jitted function costs; `jit`'s first call adds the process's one-time start-up).
            ("jit-new", n, () => Jit(Hessian(likelihood.Nll))(p), Math.Max(3, repeats / 3)),
            ("eager", n, () => Hessian(likelihood.Nll)(p), Math.Max(1, repeats / 5)),
            ("fd-central", n, () => FiniteDifferences.Hessian(JitValue, Point), Math.Max(1, repeats / 5)),
            ("fd-numdifftools", n, () => FiniteDifferences.NumdifftoolsHessian(JitValue, Point), 1),
            ("fd-numdifftools-eager", n, () => FiniteDifferences.NumdifftoolsHessian(EagerValue, Point), 1),
        };
        if (gpuHessian is not null) methods = [.. methods, ("gpu", n, () => gpuHessian(p), repeats)];
        var devices = backend is null ? null : new Dictionary<string, string> { ["gpu"] = backend.Device };
        var chosen = methods.Where(m => only is null || only.Contains(m.Name) || m.Name == "hand" || m.Name == "gpu");
        // Eager AD keeps every intermediate of the image alive at once: estimate its memory at this size from a
        // small image (it grows with the pixel count) and skip it where the machine could not hold it.
        return Run("gauss", chosen.Where(m => m.Name != "eager" || FitsInMemory(n)).ToArray(), warmups: 1, devices);
    }

    /// <summary>The cores and the widest SIMD vectors the JIT uses here (the fused loop's width).</summary>
    private static string Machine =>
        $"{Environment.ProcessorCount} cores, {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256 : 128)}-bit SIMD";

    /// <summary>The most memory a benchmarked method may need: what the issue allows, and never more than is free.</summary>
    private const double GiB = 1024.0 * 1024 * 1024, MemoryBudgetBytes = 8 * GiB;

    /// <summary>Whether the eager Hessian at an n×n image fits in memory, judged from its measured peak at a small image.</summary>
    internal static bool FitsInMemory(int n)
    {
        const int probe = 200;
        if (n <= probe) return true;
        var small = new GaussLikelihood(GaussModel.Simulate(probe));
        var p = Array(Point);
        double probePeak = Measurement.Time("gauss", "eager-probe", probe, () => Hessian(small.Nll)(p), repeats: 1, warmups: 0).PeakMegabytes;
        double estimated = probePeak * 1024 * 1024 * ((double)n * n / (probe * probe));
        double free = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - GC.GetTotalMemory(false);
        double budget = Math.Min(MemoryBudgetBytes, 0.8 * free);
        if (estimated <= budget) return true;
        AnsiConsole.MarkupLine($"[yellow]skipping eager: its estimated peak at {n}×{n} is {estimated / GiB:F1} GiB " +
                               $"({probePeak:F0} MB measured at {probe}×{probe}, scaled by the pixel count), over the {budget / GiB:F1} GiB allowed " +
                               $"(8 GiB, or 80% of what is free). Jit runs the same Hessian block by block in bounded memory.[/]");
        return false;
    }

    /// <summary>The toy Hessian by the four orderings and the gradient by JacRev vs JacFwd; fwd-over-rev is the reference.</summary>
    public static int Toy(int n, ISet<string>? only, int repeats)
    {
        AnsiConsole.MarkupLine($"[bold]toy[/]: f(x) = Σ(x² − x³ − x), Hessian at n = {n}, gradient at n = 1000, {Machine}");
        static Tensor F(Tensor x) => Sum(Pow(x, 2) - Pow(x, 3) - x);
        var x = Uniform([n], seed: 1);
        var x1000 = Uniform([1000], seed: 1);
        var jitted = Jit(JacFwd(JacRev(F)));
        // The lecture function: eager overhead per transformation call on scalars.
        static Tensor Lecture(Tensor x1, Tensor x2) { var a = x1 / x2; var d = a - Exp(x2); return d * (Sin(a) + d); }
        var lectureGrad = Grad(Lecture, argnums: (0, 1));
        var methods = new (string Name, int N, Func<object> Run, int Repeats)[]
        {
            ("fwd-over-rev", n, () => JacFwd(JacRev(F))(x), repeats * 10),
            ("rev-over-rev", n, () => JacRev(JacRev(F))(x), repeats * 10),
            ("rev-over-fwd", n, () => JacRev(JacFwd(F))(x), repeats),
            ("fwd-over-fwd", n, () => JacFwd(JacFwd(F))(x), repeats),
            ("hessian", n, () => Hessian(F)(x), repeats * 10),
            ("jit-fwd-over-rev", n, () => jitted(x), repeats * 10),
            ("grad-lecture", 2, () => lectureGrad(1.0, 1.0), repeats * 100),
            ("grad-jacrev", 1000, () => JacRev(F)(x1000), repeats * 10),
            ("grad-jacfwd", 1000, () => JacFwd(F)(x1000), Math.Max(3, repeats / 2)),
        };
        return Run("toy", methods.Where(m => only is null || only.Contains(m.Name) || m.Name == "fwd-over-rev").ToArray(), warmups: 3);
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

    /// <summary>Checks every method against the reference (the first), then times them all.</summary>
    private static int Run(string suite, (string Name, int N, Func<object> Run, int Repeats)[] methods, int warmups,
        IReadOnlyDictionary<string, string>? devices = null)
    {
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
        foreach (var (name, _, run, _) in methods.Skip(1))
        {
            if (name.StartsWith("fd-numdifftools")) continue; // checked below, after its single timed run (its first call)
            var result = TimedFirstCall(name, run);
            if (name.StartsWith("grad-")) continue; // a gradient, not the Hessian
            var error = RelativeError(result, reference);
            AnsiConsole.MarkupLine($"  check {name}: max relative difference from {methods[0].Name} = {error:G3}");
            if (error > 1e-4) { AnsiConsole.MarkupLine($"[red]{name} disagrees with {methods[0].Name}[/]"); return 1; }
        }

        var table = new Table().AddColumns("method", "n", "first call ms", "median ms", "min ms", "max ms", "runs", "ratio", "peak MB");
        var measurements = new List<Measurement>();
        foreach (var (name, n, run, repeats) in methods)
        {
            object? last = null;
            bool slow = name.StartsWith("fd-numdifftools");
            var m = Measurement.Time(suite, name, n, () => last = run(), repeats, slow ? 0 : warmups);
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
