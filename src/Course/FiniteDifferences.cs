namespace Course;

/// <summary>
/// Finite-difference baselines for f: ℝⁿ → ℝ (the slow way AD replaces). Each method documents
/// how many times it evaluates f.
/// </summary>
public static class FiniteDifferences
{
    /// <summary>Machine epsilon of double, 2⁻⁵².</summary>
    private const double Eps = 2.220446049250313e-16;

    /// <summary>
    /// Gradient by central differences: g_i = (f(x + h_i e_i) − f(x − h_i e_i)) / (2 h_i) with
    /// h_i = ε^(1/3)·max(|x_i|, 1) (ε = 2⁻⁵², the step that balances truncation O(h²) against
    /// rounding O(ε/h)). 2n evaluations.
    /// </summary>
    public static double[] Gradient(Func<double[], double> f, IReadOnlyList<double> x)
    {
        int n = x.Count;
        var g = new double[n];
        var xs = x.ToArray();
        for (int i = 0; i < n; i++)
        {
            double h = Step(x[i], 1.0 / 3.0);
            xs[i] = x[i] + h;
            double fp = f(xs);
            xs[i] = x[i] - h;
            double fm = f(xs);
            xs[i] = x[i];
            g[i] = (fp - fm) / (2 * h);
        }
        return g;
    }

    /// <summary>
    /// Plain central-difference Hessian: one application of <see cref="CentralHessian"/> (the 4-point
    /// rule) with h_i = ε^(1/4)·max(|x_i|, 1) (balances truncation O(h²) against rounding O(ε/h²)).
    /// 2n² + 1 evaluations.
    /// </summary>
    public static double[,] Hessian(Func<double[], double> f, IReadOnlyList<double> x)
    {
        var h = x.Select(xi => Step(xi, 0.25)).ToArray();
        return CentralHessian(f, x, h, f(x.ToArray()));
    }

    /// <summary>
    /// The 4-point central rule with steps h (numdifftools' "central" Hessian, Ridout 2009 eq. 9):
    /// <code>
    /// H_ij = [f(x + h_i e_i + h_j e_j) − f(x + h_i e_i − h_j e_j) − f(x − h_i e_i + h_j e_j) + f(x − h_i e_i − h_j e_j)] / (4 h_i h_j)
    /// H_ii = [f(x + 2 h_i e_i) − 2 f(x) + f(x − 2 h_i e_i)] / (4 h_i²)      (the same rule with j = i)
    /// </code>
    /// Error O(h²). 2n² evaluations of f (given <paramref name="fx"/> = f(x)).
    /// </summary>
    public static double[,] CentralHessian(Func<double[], double> f, IReadOnlyList<double> x, IReadOnlyList<double> h, double fx)
    {
        int n = x.Count;
        var hess = new double[n, n];
        var xs = x.ToArray();
        double At(int i, double si, int j, double sj)
        {
            xs[i] += si * h[i];
            xs[j] += sj * h[j];
            double v = f(xs);
            xs[i] = x[i];
            xs[j] = x[j];
            return v;
        }
        for (int i = 0; i < n; i++)
        {
            hess[i, i] = (At(i, 2, i, 0) - 2 * fx + At(i, -2, i, 0)) / (4 * h[i] * h[i]);
            for (int j = i + 1; j < n; j++)
            {
                double v = (At(i, 1, j, 1) - At(i, 1, j, -1) - At(i, -1, j, 1) + At(i, -1, j, -1)) / (4 * h[i] * h[j]);
                hess[i, j] = hess[j, i] = v;
            }
        }
        return hess;
    }

    /// <summary>
    /// numdifftools' default <c>nd.Hessian(f)(x)</c> (method "central", order 2), re-implemented:
    /// <list type="number">
    /// <item>15 step vectors h⁽ᵏ⁾_i = 2·s_i·1.6⁻ᵏ, k = 0..14, with the nominal step
    /// s_i = max(log(e − 1 + |x_i|), 1) (numdifftools' MaxStepGenerator defaults for n = 2);</item>
    /// <item>for each, the 4-point rule <see cref="CentralHessian"/>: 15·2n² + 1 = 30n² + 1 evaluations;</item>
    /// <item>Richardson extrapolation of the sequence H⁽ᵏ⁾ with error terms h², h⁴ (step ratio 1.6,
    /// two terms): H'⁽ᵏ⁾ = Σ_r c_r H⁽ᵏ⁺ʳ⁾, c = first row of R⁻¹, R = [1, ρ^{2i}, ρ^{4i}]_{i=0..2}, ρ = 1/1.6;</item>
    /// <item>Wynn's epsilon (dea3) on three consecutive extrapolated values, with its error estimate;</item>
    /// <item>per entry, outliers (more than 10× off the median, or outside the 1.5·IQR fences) get
    /// their distance to the median added to the error, and the estimate with the smallest error
    /// wins (ties: the middle one).</item>
    /// </list>
    /// </summary>
    public static double[,] NumdifftoolsHessian(Func<double[], double> f, IReadOnlyList<double> x)
    {
        const int steps = 15;
        const double ratio = 1.6;
        int n = x.Count;
        var nominal = x.Select(xi => Math.Max(Math.Log(Math.E - 1 + Math.Abs(xi)), 1.0)).ToArray();
        double fx = f(x.ToArray());
        var seq = new double[steps][,];
        for (int k = 0; k < steps; k++)
        {
            var h = nominal.Select(s => 2.0 * s * Math.Pow(ratio, -k)).ToArray();
            seq[k] = CentralHessian(f, x, h, fx);
        }

        var rule = RichardsonRule(ratio);
        var result = new double[n, n];
        var column = new double[steps];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                for (int k = 0; k < steps; k++) column[k] = seq[k][i, j];
                result[i, j] = result[j, i] = Extrapolate(column, rule);
            }
        return result;
    }

    /// <summary>The Richardson weights c (Σc = 1) that cancel the h² and h⁴ error terms of three consecutive estimates.</summary>
    private static double[] RichardsonRule(double ratio)
    {
        var r = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            r[i, 0] = 1.0;
            r[i, 1] = Math.Pow(1.0 / ratio, 2 * i);
            r[i, 2] = Math.Pow(1.0 / ratio, 4 * i);
        }
        var inv = LinAlg.Inverse(r);
        return [inv[0, 0], inv[0, 1], inv[0, 2]];
    }

    /// <summary>Richardson, then dea3, then the best estimate by error (steps 3–5 of <see cref="NumdifftoolsHessian"/>) for one entry.</summary>
    private static double Extrapolate(double[] seq, double[] rule)
    {
        int m = seq.Length - 2;
        var rich = new double[m];
        for (int k = 0; k < m; k++) rich[k] = rule[0] * seq[k] + rule[1] * seq[k + 1] + rule[2] * seq[k + 2];

        // dea3 (Wynn's epsilon on e0, e1, e2), vectorised over k as numdifftools does.
        int count = m - 2;
        var est = new double[count];
        var err = new double[count];
        const double tiny = 2.2250738585072014e-308; // smallest normal double
        for (int k = 0; k < count; k++)
        {
            double e0 = rich[k], e1 = rich[k + 1], e2 = rich[k + 2];
            double d2 = e2 - e1, d1 = e1 - e0;
            double err2 = Math.Abs(d2), err1 = Math.Abs(d1);
            double tol2 = Math.Max(Math.Abs(e2), Math.Abs(e1)) * Eps, tol1 = Math.Max(Math.Abs(e1), Math.Abs(e0)) * Eps;
            if (err1 < tiny) d1 = tiny;
            if (err2 < tiny) d2 = tiny;
            double ss = 1.0 / d2 - 1.0 / d1 + tiny;
            bool converged = err1 <= tol1 || err2 <= tol2 || Math.Abs(ss * e1) <= 1e-4;
            est[k] = converged ? e2 : e1 + 1.0 / ss;
            err[k] = err1 + err2 + (converged ? tol2 * 10 : Math.Abs(est[k] - e2));
        }

        // Penalise outliers, then take the smallest error (the middle index among ties).
        var sorted = est.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        double median = Percentile(sorted, 50), p25 = Percentile(sorted, 25), p75 = Percentile(sorted, 75);
        double iqr = Math.Abs(p75 - p25), aMedian = Math.Abs(median);
        for (int k = 0; k < count; k++)
        {
            double a = Math.Abs(est[k]);
            bool wild = aMedian > 1e-8 && (a < aMedian / 10 || a > aMedian * 10);
            bool fenced = est[k] < p25 - 1.5 * iqr || p75 + 1.5 * iqr < est[k];
            if (wild || fenced) err[k] += Math.Abs(est[k] - median);
        }
        for (int k = 0; k < count; k++) if (double.IsNaN(err[k])) err[k] = double.PositiveInfinity;
        double best = err.Min();
        var ties = Enumerable.Range(0, count).Where(k => err[k] == best).ToArray();
        return est[ties[ties.Length / 2]];
    }

    /// <summary>numpy's default (linear) percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double percent)
    {
        double pos = percent / 100.0 * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Step ε^power·max(|x|, 1), rounded so that x + h − x == h exactly.</summary>
    private static double Step(double x, double power)
    {
        double h = Math.Pow(Eps, power) * Math.Max(Math.Abs(x), 1.0);
        double t = x + h;
        return t - x;
    }
}
