using Course;
using CsCheck;

namespace Course.Tests;

public class OptimizeTests
{
    private static double Rosenbrock(double[] x) => (1 - x[0]) * (1 - x[0]) + 100 * Math.Pow(x[1] - x[0] * x[0], 2);

    private static double[] RosenbrockGradient(double[] x) =>
        [-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] * x[0]), 200 * (x[1] - x[0] * x[0])];

    private static ValueGradHessian RosenbrockAll(double[] x) => new(Rosenbrock(x), RosenbrockGradient(x),
        new[,] { { 1200 * x[0] * x[0] - 400 * x[1] + 2, -400 * x[0] }, { -400 * x[0], 200 } });

    [Theory]
    [InlineData(-1.2, 1.0)]
    [InlineData(0.0, 1.0)]   // the Hessian is indefinite here: the damping safeguard must kick in
    [InlineData(2.0, -1.0)]
    public void Newton_finds_the_rosenbrock_minimum(double a, double b)
    {
        var r = Optimize.Newton(RosenbrockAll, [a, b]);
        Assert.True(r.Converged, r.ToString());
        Assert.Equal(1.0, r.X[0], 1e-8);
        Assert.Equal(1.0, r.X[1], 1e-8);
        Assert.Equal(r.Iterations + 1, r.Path.Count);
        Assert.Equal([a, b], r.Path[0]);
        Assert.Equal(r.X, r.Path[^1]);
    }

    [Theory]
    [InlineData(-1.2, 1.0)]
    [InlineData(0.0, 1.0)]
    [InlineData(2.0, -1.0)]
    public void Bfgs_finds_the_rosenbrock_minimum(double a, double b)
    {
        var r = Optimize.Bfgs(x => (Rosenbrock(x), RosenbrockGradient(x)), [a, b], gradTol: 1e-9);
        Assert.True(r.Converged, r.ToString());
        Assert.Equal(1.0, r.X[0], 1e-6);
        Assert.Equal(1.0, r.X[1], 1e-6);
        // Each step decreases f (the line search enforces sufficient decrease).
        var values = r.Path.Select(Rosenbrock).ToArray();
        for (int k = 1; k < values.Length; k++) Assert.True(values[k] < values[k - 1]);
    }

    [Fact]
    public void Newton_needs_far_fewer_iterations_than_bfgs_on_rosenbrock()
    {
        var newton = Optimize.Newton(RosenbrockAll, [-1.2, 1.0]);
        var bfgs = Optimize.Bfgs(x => (Rosenbrock(x), RosenbrockGradient(x)), [-1.2, 1.0]);
        Assert.True(newton.Iterations < bfgs.Iterations, $"newton {newton.Iterations}, bfgs {bfgs.Iterations}");
    }

    [Theory]
    [InlineData("newton")]
    [InlineData("bfgs")]
    public void Optimisers_stop_when_no_step_can_beat_rounding(string method)
    {
        // gradTol = 0 can never be met; the predicted-decrease test must end the iteration anyway.
        var model = GaussModel.Simulate(40, seed: 1);
        double[] start = [0.1, 0.1, 0.9, 0.6, 0.0, 0.0];
        var r = method == "newton"
            ? Optimize.Newton(p => HandHessian.Fused(model, p), start, gradTol: 0)
            : Optimize.Bfgs(p => { var v = HandHessian.Fused(model, p); return (v.Value, v.Gradient); }, start, gradTol: 0);
        Assert.True(r.Converged, r.ToString());
        Assert.True(r.Iterations < (method == "newton" ? 30 : 200), r.ToString());
        // What is left, the Newton step H⁻¹∇f, is negligible next to the standard errors.
        var h = HandHessian.Fused(model, r.X).Hessian;
        var remaining = LinAlg.Solve(h, r.Gradient);
        var se = LinAlg.StandardErrors(h);
        for (int k = 0; k < 6; k++) Assert.True(Math.Abs(remaining[k]) < 1e-6 * se[k], $"{GaussModel.ParameterNames[k]}: {remaining[k]:E2} vs se {se[k]:E2}");
    }

    [Fact]
    public void Gaussian_fit_recovers_the_truth_within_its_standard_errors()
    {
        var model = GaussModel.Simulate(60, seed: 0);
        double[] start = [0.3, -0.2, 0.7, 0.7, 0.2, 0.1];
        var newton = Optimize.Newton(p => HandHessian.Fused(model, p), start, gradTol: 1e-7);
        Assert.True(newton.Converged, newton.ToString());
        var se = LinAlg.StandardErrors(HandHessian.Fused(model, newton.X).Hessian);
        for (int k = 0; k < 6; k++)
        {
            double truth = GaussModel.TrueParameters[k];
            Assert.True(Math.Abs(newton.X[k] - truth) < 4 * se[k],
                $"{GaussModel.ParameterNames[k]} = {newton.X[k]:F4}, truth {truth}, se {se[k]:F4}");
        }

        var bfgs = Optimize.Bfgs(p => { var r = HandHessian.Fused(model, p); return (r.Value, r.Gradient); }, start, gradTol: 1e-5);
        Assert.True(bfgs.Converged, bfgs.ToString());
        for (int k = 0; k < 6; k++) Assert.Equal(newton.X[k], bfgs.X[k], 1e-3 * se[k] + 1e-6);
    }

    [Fact]
    public void Newton_reaches_the_gradient_tolerance_when_f_is_rounded_coarser_than_the_steps_predict()
    {
        // f = −1600 + 1500·(x²/2 + x³/3), minimum at 0, its value off by a rounding error that grows 10⁻¹⁰ per
        // evaluation (6·10⁻¹⁴·|f|, as a sum of ±10⁴ terms is rounded). Newton's iterates from 0.14 are 0.015, 2.3·10⁻⁴,
        // 5·10⁻⁸: there the next step predicts a decrease of 4·10⁻¹² (above the 1.6·10⁻¹² that counts as nothing left),
        // smaller than the error, so an exact Armijo test rejects it, though the gradient (exact here, 8·10⁻⁵) says
        // the full step is right.
        int evaluations = 0;
        ValueGradHessian F(double[] x) => new(
            -1600 + 1500 * (x[0] * x[0] / 2 + x[0] * x[0] * x[0] / 3) + 1e-10 * evaluations++,
            [1500 * (x[0] + x[0] * x[0])],
            new[,] { { 1500 * (1 + 2 * x[0]) } });
        var r = Optimize.Newton(F, [0.14], gradTol: 1e-8);
        Assert.True(r.Converged, r.ToString());
        Assert.True(r.Gradient.Max(Math.Abs) <= 1e-8, r.ToString());
        Assert.True(r.Iterations < 10, r.ToString());
    }
}

public class LinAlgTests
{
    private static readonly Gen<double[,]> Spd = Gen.Double[-1, 1].Array[16].Select(v =>
    {
        // A = BᵀB + I is symmetric positive definite.
        var a = new double[4, 4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                for (int k = 0; k < 4; k++) a[i, j] += v[k * 4 + i] * v[k * 4 + j];
                if (i == j) a[i, j] += 1;
            }
        return a;
    });

    [Fact]
    public void Cholesky_reconstructs_and_solves()
    {
        Spd.Sample(a =>
        {
            var l = LinAlg.Cholesky(a)!;
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                {
                    double s = 0;
                    for (int k = 0; k < 4; k++) s += l[i, k] * l[j, k];
                    Assert.Equal(a[i, j], s, 1e-12);
                }
            double[] b = [1, -2, 3, 0.5];
            var x = LinAlg.CholeskySolve(l, b);
            Assert.True(TestData.RelativeError(LinAlg.Multiply(a, x), b) < 1e-12);
            Assert.True(TestData.RelativeError(LinAlg.Solve(a, b), x) < 1e-10);
        });
    }

    [Fact]
    public void Cholesky_rejects_indefinite_matrices()
    {
        Assert.Null(LinAlg.Cholesky(new double[,] { { 1, 2 }, { 2, 1 } }));
    }

    [Fact]
    public void Inverse_times_matrix_is_identity()
    {
        Spd.Sample(a =>
        {
            var inv = LinAlg.Inverse(a);
            for (int j = 0; j < 4; j++)
            {
                var col = LinAlg.Multiply(a, Enumerable.Range(0, 4).Select(i => inv[i, j]).ToArray());
                for (int i = 0; i < 4; i++) Assert.Equal(i == j ? 1.0 : 0.0, col[i], 1e-10);
            }
        });
    }

    [Fact]
    public void Standard_errors_of_a_diagonal_fisher_information()
    {
        Assert.Equal([0.5, 0.25], LinAlg.StandardErrors(new double[,] { { 4, 0 }, { 0, 16 } }));
    }
}
