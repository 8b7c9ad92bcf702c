using Course;
using CsCheck;

namespace Course.Tests;

public class FiniteDifferencesTests
{
    // g(x) = x0³ − 2·x0·x1 − x1⁶: ∇²g = [[6x0, −2], [−2, −30x1⁴]], [[6, −2], [−2, −480]] at (1, 2).
    private static double G(double[] x) => x[0] * x[0] * x[0] - 2 * x[0] * x[1] - Math.Pow(x[1], 6);

    private static double[,] GHessian(IReadOnlyList<double> x) => new[,] { { 6 * x[0], -2 }, { -2, -30 * Math.Pow(x[1], 4) } };

    // Rosenbrock: ∇²f = [[1200x² − 400y + 2, −400x], [−400x, 200]].
    private static double Rosenbrock(double[] x) => (1 - x[0]) * (1 - x[0]) + 100 * Math.Pow(x[1] - x[0] * x[0], 2);

    private static double[,] RosenbrockHessian(IReadOnlyList<double> x) =>
        new[,] { { 1200 * x[0] * x[0] - 400 * x[1] + 2, -400 * x[0] }, { -400 * x[0], 200 } };

    public static TheoryData<string> Schemes => new() { "central", "numdifftools" };

    private static double[,] Hessian(string scheme, Func<double[], double> f, double[] x) =>
        scheme == "central" ? FiniteDifferences.Hessian(f, x) : FiniteDifferences.NumdifftoolsHessian(f, x);

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Polynomial_hessian_at_1_2(string scheme)
    {
        var h = Hessian(scheme, G, [1.0, 2.0]);
        var exact = GHessian([1.0, 2.0]);
        Assert.True(TestData.RelativeError(h, exact) < (scheme == "central" ? 1e-6 : 1e-9), $"{TestData.RelativeError(h, exact):E2}");
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Rosenbrock_hessian_at_random_points(string scheme)
    {
        Gen.Double[-2, 2].Array[2].Sample(x =>
        {
            var err = TestData.RelativeError(Hessian(scheme, Rosenbrock, x), RosenbrockHessian(x));
            Assert.True(err < 1e-6, $"{err:E2} at ({x[0]}, {x[1]})");
        }, iter: 30);
    }

    [Fact]
    public void Quadratic_form_hessian_is_its_matrix()
    {
        // f(x) = ½xᵀAx + bᵀx has ∇²f = A everywhere; central differences are exact up to rounding.
        var a = new double[,] { { 4, 1, -0.5 }, { 1, 3, 0.25 }, { -0.5, 0.25, 2 } };
        double[] b = [1, -2, 0.5];
        double F(double[] x) => 0.5 * LinAlg.Dot(x, LinAlg.Multiply(a, x)) + LinAlg.Dot(b, x);
        Assert.True(TestData.RelativeError(FiniteDifferences.Hessian(F, [0.3, -1, 2]), a) < 1e-7);
        Assert.True(TestData.RelativeError(FiniteDifferences.NumdifftoolsHessian(F, [0.3, -1, 2]), a) < 1e-9);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public void Evaluation_counts_are_as_documented(int n)
    {
        int calls = 0;
        double F(double[] x) { calls++; return x.Sum(v => v * v * v); }
        var x0 = Enumerable.Range(0, n).Select(i => 0.1 * i).ToArray();
        FiniteDifferences.NumdifftoolsHessian(F, x0);
        Assert.Equal(30 * n * n + 1, calls);
        calls = 0;
        FiniteDifferences.Hessian(F, x0);
        Assert.Equal(2 * n * n + 1, calls);
        calls = 0;
        FiniteDifferences.Gradient(F, x0);
        Assert.Equal(2 * n, calls);
    }

    [Fact]
    public void Gradient_of_rosenbrock()
    {
        Gen.Double[-2, 2].Array[2].Sample(x =>
        {
            double[] exact = [-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] * x[0]), 200 * (x[1] - x[0] * x[0])];
            var fd = FiniteDifferences.Gradient(Rosenbrock, x);
            for (int k = 0; k < 2; k++) Assert.Equal(exact[k], fd[k], 1e-6 * Math.Max(1, Math.Abs(exact[k])));
        }, iter: 30);
    }
}
