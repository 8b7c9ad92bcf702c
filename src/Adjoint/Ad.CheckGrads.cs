namespace Adjoint;

/// <summary>Thrown by <see cref="Ad.CheckGrads(Func{Tensor, Tensor}, Tensor, int, string[], double, double, double, int)"/> when derivatives disagree with finite differences.</summary>
public sealed class GradientCheckException(string message) : Exception(message);

public static partial class Ad
{
    /// <summary>
    /// Like <c>jax.test_util.check_grads</c>: compares forward-mode JVPs ("fwd") and reverse-mode
    /// VJPs ("rev") of f at <paramref name="args"/> with central finite differences along random
    /// directions, and recursively the derivatives of those up to <paramref name="order"/>.
    /// Throws <see cref="GradientCheckException"/> naming the worst discrepancy.
    /// </summary>
    /// <remarks>
    /// A JVP J·v is compared with (f(x + εv) − f(x − εv)) / 2ε; a VJP uᵀJ is checked through
    /// ⟨uᵀJ, v⟩ = ⟨u, J·v⟩ with the right side by finite differences. Order k &gt; 1 applies the same
    /// checks to x ↦ J(x)·v (fwd) and x ↦ u·J(x) (rev).
    /// </remarks>
    public static void CheckGrads(Func<Tensor[], Tensor> f, Tensor[] args, int order, string[]? modes = null,
                                  double eps = 1e-4, double atol = 1e-5, double rtol = 1e-5, int seed = 0)
    {
        if (order < 1) throw new ArgumentOutOfRangeException(nameof(order), "check_grads: order must be at least 1.");
        modes ??= ["fwd", "rev"];
        foreach (var m in modes)
            if (m is not ("fwd" or "rev"))
                throw new ArgumentException($"check_grads: unknown mode '{m}'; expected \"fwd\" or \"rev\".", nameof(modes));
        var checker = new GradientChecker(eps, atol, rtol, seed);
        checker.Check(a => [f(a)], args, order, modes, "f");
    }

    public static void CheckGrads(Func<Tensor, Tensor> f, Tensor x, int order, string[]? modes = null,
                                  double eps = 1e-4, double atol = 1e-5, double rtol = 1e-5, int seed = 0) =>
        CheckGrads(a => f(a[0]), [x], order, modes, eps, atol, rtol, seed);

    public static void CheckGrads(Func<Tensor, Tensor, Tensor> f, (Tensor, Tensor) args, int order, string[]? modes = null,
                                  double eps = 1e-4, double atol = 1e-5, double rtol = 1e-5, int seed = 0) =>
        CheckGrads(a => f(a[0], a[1]), [args.Item1, args.Item2], order, modes, eps, atol, rtol, seed);

    public static void CheckGrads(Func<Tensor, Tensor, Tensor, Tensor> f, (Tensor, Tensor, Tensor) args, int order, string[]? modes = null,
                                  double eps = 1e-4, double atol = 1e-5, double rtol = 1e-5, int seed = 0) =>
        CheckGrads(a => f(a[0], a[1], a[2]), [args.Item1, args.Item2, args.Item3], order, modes, eps, atol, rtol, seed);

    private sealed class GradientChecker(double eps, double atol, double rtol, int seed)
    {
        private int draws;

        private Tensor Random(int[] shape) => Np.Normal(shape, seed * 7919 + draws++);

        public void Check(Func<Tensor[], Tensor[]> f, Tensor[] x, int order, string[] modes, string what)
        {
            var directions = x.Select(a => Random(a.shape)).ToArray();
            var finiteDifference = Directional(f, x, directions);
            var ys = f(x);
            if (modes.Contains("fwd"))
            {
                var (_, tangents) = JvpCore(f, x, directions, []);
                for (int k = 0; k < ys.Length; k++)
                    Compare(tangents[k], finiteDifference[k], $"JVP of {what} (output {k})");
                if (order > 1)
                    Check(a => JvpCore(f, a, directions, []).Tangents, x, order - 1, modes, $"JVP of {what}");
            }
            if (modes.Contains("rev"))
            {
                var cotangents = ys.Select(y => Random(y.shape)).ToArray();
                var (_, pullback) = VjpCore(f, x, [.. Enumerable.Range(0, x.Length)]);
                var grads = pullback(cotangents);
                double lhs = grads.Select((g, j) => Inner(g, directions[j])).Sum();
                double rhs = cotangents.Select((u, k) => Inner(u, finiteDifference[k])).Sum();
                Compare(lhs, rhs, $"VJP of {what}");
                if (order > 1)
                    Check(a => VjpCore(f, a, [.. Enumerable.Range(0, a.Length)]).Pullback(cotangents), x, order - 1, modes, $"VJP of {what}");
            }
        }

        private Tensor[] Directional(Func<Tensor[], Tensor[]> f, Tensor[] x, Tensor[] v)
        {
            var plus = f(x.Select((a, i) => a + eps * v[i]).ToArray());
            var minus = f(x.Select((a, i) => a - eps * v[i]).ToArray());
            return plus.Select((p, k) => (p - minus[k]) / (2 * eps)).ToArray();
        }

        private static double Inner(Tensor a, Tensor b) => (a * b).Sum().Item;

        private void Compare(Tensor ad, Tensor fd, string what)
        {
            if (!Shapes.Equal(ad.shape, fd.shape))
                throw new GradientCheckException($"check_grads: {what} has shape {Shapes.Format(ad.shape)}, finite differences {Shapes.Format(fd.shape)}.");
            double[] a = ad.Data, b = fd.Data;
            int worst = -1;
            double worstExcess = 0;
            for (int i = 0; i < a.Length; i++)
            {
                double excess = Math.Abs(a[i] - b[i]) - (atol + rtol * Math.Abs(b[i]));
                if (excess > worstExcess || double.IsNaN(a[i]) != double.IsNaN(b[i])) { worstExcess = double.IsNaN(excess) ? double.PositiveInfinity : excess; worst = i; }
            }
            if (worst >= 0)
                throw new GradientCheckException(
                    $"check_grads: {what} disagrees with finite differences at flat index {worst}: AD {a[worst]:R}, FD {b[worst]:R}, " +
                    $"|difference| {Math.Abs(a[worst] - b[worst]):G3} > atol {atol:G3} + rtol {rtol:G3}·|FD| (eps {eps:G3}).");
        }

        private void Compare(double ad, double fd, string what) => Compare((Tensor)ad, (Tensor)fd, what);
    }
}
