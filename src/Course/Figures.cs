using Adjoint;

namespace Course;

/// <summary>
/// The figures lessons 04 and 05 need, built from the library (not drawn by hand). Each figure has
/// a chart builder (what the notebook shows as a cell's value) and a <c>Save…</c> method that
/// computes it from scratch and writes it as standalone HTML with <see cref="Charts.SaveHtml"/>, for
/// <c>kit figures</c>.
/// </summary>
public static class Figures
{
    /// <summary>The four Hessian orderings of lesson 04, as (name, transformation of f) rows in the lesson's order.</summary>
    public static IReadOnlyList<(string Name, Func<Func<Tensor, Tensor>, Func<Tensor, Tensor>> Compose)> Orderings { get; } =
    [
        ("fwd∘fwd", f => Ad.JacFwd(Ad.JacFwd(f))),
        ("rev∘rev", f => Ad.JacRev(Ad.JacRev(f))),
        ("rev∘fwd", f => Ad.JacRev(Ad.JacFwd(f))),
        ("fwd∘rev", f => Ad.JacFwd(Ad.JacRev(f))),
    ];

    /// <summary>Lesson 04's toy function f(x) = Σ (x² − x³ − x).</summary>
    public static Tensor Toy(Tensor x) => Np.Sum(Np.Pow(x, 2) - Np.Pow(x, 3) - x);

    /// <summary>
    /// Times the four orderings of the toy Hessian at <paramref name="n"/> inputs (uniform random point,
    /// seed 0) as <c>%%timeit -r R -n N</c> does: <paramref name="repeat"/> runs of 10 calls each, or of
    /// 1 call when one call takes more than 10 ms.
    /// </summary>
    public static List<(string Name, TimeitResult Timing)> TimeOrderings(int n = 200, int repeat = 10)
    {
        var x = Np.Uniform([n], seed: 0);
        var result = new List<(string, TimeitResult)>();
        foreach (var (name, compose) in Orderings)
        {
            var hessian = compose(Toy);
            GC.Collect();
            var first = Timeit.Run(() => hessian(x), repeat: 1, loops: 1);
            result.Add((name, Timeit.Run(() => hessian(x), repeat, first.Mean < 0.01 ? 10 : 1, warmup: 0)));
        }
        return result;
    }

    /// <summary>The orderings timing chart: bars of mean time per Hessian with ± std error bars.</summary>
    public static Chart OrderingsTimingChart(IEnumerable<(string Name, TimeitResult Timing)> timings, int n) =>
        Charts.TimingBars(timings, $"Hessian of the toy function, n = {n}: the four orderings (eager)");

    /// <summary>Figure "orderings timing": measures (<see cref="TimeOrderings"/>) and charts the result.</summary>
    public static Chart OrderingsTiming(int n = 200) => OrderingsTimingChart(TimeOrderings(n), n);

    /// <summary>
    /// Observation, fitted model and residuals (observation − fit) of lesson 05 side by side, as
    /// heatmaps over the grid <paramref name="lin"/> (x along columns, y along rows), each with its
    /// own colour bar.
    /// </summary>
    public static Chart ObservationFitResiduals(double[,] observation, double[,] fit, IReadOnlyList<double> lin)
    {
        int rows = observation.GetLength(0), cols = observation.GetLength(1);
        var residuals = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                residuals[i, j] = observation[i, j] - fit[i, j];
        return Charts.HeatmapRow("Gaussian source in noise: observation, Cauchy maximum-likelihood fit, residuals",
            [("observation", observation), ("fitted model", fit), ("residuals", residuals)], lin, lin);
    }

    /// <summary>
    /// Figure "Gaussian observation/fit": simulates lesson 05's observation (<see cref="GaussModel.Simulate"/>
    /// with <paramref name="seed"/>), fits it by Newton's method with the hand-written exact Hessian
    /// (<see cref="HandHessian.Fused"/>; the lesson checks it equals <c>Ad.Hessian</c>), and saves
    /// charts it with <see cref="ObservationFitResiduals"/>.
    /// </summary>
    public static Chart GaussianObservationFit(int n = 200, int seed = 0)
    {
        var model = GaussModel.Simulate(n, seed);
        double[] start = [0.2, -0.1, 0.8, 0.7, 0.1, 0.05];
        var fit = Optimize.Newton(p => HandHessian.Fused(model, p), start);
        return ObservationFitResiduals(GaussModel.ToMatrix(model.Observation, n), GaussModel.ToMatrix(model.Image(fit.X), n), model.Lin);
    }
}
