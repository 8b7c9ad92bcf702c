using Adjoint;
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

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
    public static GenericChart OrderingsTimingChart(IEnumerable<(string Name, TimeitResult Timing)> timings, int n) =>
        Charts.TimingBars(timings, $"Hessian of the toy function, n = {n}: the four orderings (eager)");

    /// <summary>Figure "orderings timing": measures (<see cref="TimeOrderings"/>) and saves the chart as HTML. Returns the full path.</summary>
    public static string SaveOrderingsTiming(string path, int n = 200) =>
        Charts.SaveHtml(OrderingsTimingChart(TimeOrderings(n), n), path);

    /// <summary>
    /// Observation, fitted model and residuals (observation − fit) of lesson 05 side by side, as
    /// heatmaps over the grid <paramref name="lin"/> (x along columns, y along rows).
    /// </summary>
    public static GenericChart ObservationFitResiduals(double[,] observation, double[,] fit, IReadOnlyList<double> lin)
    {
        int rows = observation.GetLength(0), cols = observation.GetLength(1);
        var residuals = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                residuals[i, j] = observation[i, j] - fit[i, j];
        var charts = new[]
        {
            Charts.Heatmap(observation, x: lin, y: lin),
            Charts.Heatmap(fit, x: lin, y: lin),
            Charts.Heatmap(residuals, x: lin, y: lin),
        };
        // One shared colour scale reads best: all three are in the units of the observation.
        var grid = CSharpChart.Grid(charts, 1, 3, SubPlotTitles: new[] { "observation", "fitted model", "residuals" });
        return Plotly.NET.Chart.withTitle("Gaussian source in noise: observation, Cauchy maximum-likelihood fit, residuals",
            Microsoft.FSharp.Core.FSharpOption<Font>.None).Invoke(grid);
    }

    /// <summary>
    /// Figure "Gaussian observation/fit": simulates lesson 05's observation (<see cref="GaussModel.Simulate"/>
    /// with <paramref name="seed"/>), fits it by Newton's method with the hand-written exact Hessian
    /// (<see cref="HandHessian.Fused"/>; the lesson checks it equals <c>Ad.Hessian</c>), and saves
    /// <see cref="ObservationFitResiduals"/> as HTML. Returns the full path.
    /// </summary>
    public static string SaveGaussianObservationFit(string path, int n = 200, int seed = 0)
    {
        var model = GaussModel.Simulate(n, seed);
        double[] start = [0.2, -0.1, 0.8, 0.7, 0.1, 0.05];
        var fit = Optimize.Newton(p => HandHessian.Fused(model, p), start);
        var chart = ObservationFitResiduals(GaussModel.ToMatrix(model.Observation, n), GaussModel.ToMatrix(model.Image(fit.X), n), model.Lin);
        return Charts.SaveHtml(chart, path, width: 1200, height: 450);
    }
}
