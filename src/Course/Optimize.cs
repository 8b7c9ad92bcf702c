namespace Course;

/// <summary>The outcome of a minimisation.</summary>
/// <param name="X">The final point.</param>
/// <param name="Value">f(X).</param>
/// <param name="Gradient">∇f(X).</param>
/// <param name="Iterations">Number of steps taken.</param>
/// <param name="Evaluations">Number of calls of the objective (value + derivatives count as one call).</param>
/// <param name="Converged">True when ‖∇f‖∞ fell below the tolerance, or the predicted decrease fell below f's rounding.</param>
/// <param name="Path">The iterates, starting with the initial point and ending with <see cref="X"/>.</param>
public sealed record OptimizeResult(double[] X, double Value, double[] Gradient, int Iterations, int Evaluations, bool Converged, IReadOnlyList<double[]> Path)
{
    /// <summary>One line: iterations, evaluations, value and gradient norm.</summary>
    public override string ToString() =>
        $"{(Converged ? "converged" : "NOT converged")} after {Iterations} iterations ({Evaluations} evaluations): f = {Value:G10}, |grad|inf = {Gradient.Max(Math.Abs):G3}";
}

/// <summary>
/// Newton's method and BFGS for the course's small fits (a handful of parameters), on plain arrays.
/// Both stop when ‖∇f‖∞ ≤ <c>gradTol</c>, or after <c>maxIter</c> iterations.
/// </summary>
public static class Optimize
{
    /// <summary>
    /// Newton's method: solve H·s = −∇f, then backtrack on s until the Armijo condition
    /// f(x + t·s) ≤ f(x) + 10⁻⁴·t·∇fᵀs + ε holds (t = 1, ½, ¼, ...), with ε = 10⁻¹³·|f| for f's rounding
    /// (see <see cref="RoundingSlack"/>). Safeguard: when H is not positive
    /// definite (its Cholesky fails), use H + λI with λ = 10⁻⁶·max|H_ii| growing ×10 until it is
    /// (a Levenberg-style damping that bends the step toward steepest descent).
    /// Converged: ‖∇f‖∞ ≤ <paramref name="gradTol"/>, or the decrease the step predicts, −∇fᵀs/2,
    /// is below 10⁻¹⁵·|f| (about f's own rounding level: nothing left to gain).
    /// </summary>
    /// <param name="valueGradHessian">Returns f(x), ∇f(x) and ∇²f(x) (e.g. <see cref="HandHessian.Fused"/> or AD).</param>
    /// <param name="x0">Starting point.</param>
    /// <param name="gradTol">Stop when every |∂f/∂x_i| ≤ this.</param>
    /// <param name="maxIter">Iteration limit.</param>
    public static OptimizeResult Newton(Func<double[], ValueGradHessian> valueGradHessian, IReadOnlyList<double> x0, double gradTol = 1e-8, int maxIter = 100)
    {
        var x = x0.ToArray();
        var path = new List<double[]> { (double[])x.Clone() };
        var current = valueGradHessian(x);
        int evaluations = 1, iter = 0;
        bool converged = Small(current.Gradient, gradTol);
        while (iter < maxIter && !converged)
        {
            var step = NewtonStep(current.Hessian, current.Gradient);
            double slope = LinAlg.Dot(current.Gradient, step);
            // −∇fᵀs is twice the decrease the quadratic model predicts; once that is below the
            // rounding of f itself (big sums over millions of pixels), no step can do better.
            if (-slope <= 1e-15 * Math.Abs(current.Value))
            {
                converged = true;
                break;
            }
            double t = 1.0;
            ValueGradHessian trial;
            double[] xNew;
            while (true)
            {
                xNew = Axpy(x, t, step);
                trial = valueGradHessian(xNew);
                evaluations++;
                if (trial.Value <= current.Value + 1e-4 * t * slope + RoundingSlack(current.Value) || t < 1e-10) break;
                t *= 0.5;
            }
            if (t < 1e-10 && trial.Value > current.Value) break; // no descent possible: stop where we are
            x = xNew;
            current = trial;
            path.Add((double[])x.Clone());
            iter++;
            converged = Small(current.Gradient, gradTol);
        }
        return new OptimizeResult(x, current.Value, current.Gradient, iter, evaluations, converged, path);
    }

    /// <summary>
    /// How much f may seem to rise in a line search and the step still count as a descent: 10⁻¹³·|f|. Near the
    /// minimum the decrease a Newton step predicts falls below the rounding of f (a sum of many terms that cancel,
    /// e.g. ±10⁴ per bin for f ≈ −1600), so f can no longer judge the step and the backtracking would halve it to
    /// nothing while the gradient, still accurate, says the full step is right. The slack lets the full step through.
    /// </summary>
    private static double RoundingSlack(double f) => 1e-13 * Math.Abs(f);

    /// <summary>
    /// s = −(H + λI)⁻¹∇f with the smallest λ ∈ {0, 10⁻⁶·scale, 10⁻⁵·scale, ...} (scale = max|H_ii|)
    /// whose Cholesky pivots all exceed 10⁻⁸·scale, i.e. that makes the matrix safely positive definite.
    /// </summary>
    private static double[] NewtonStep(double[,] h, double[] g)
    {
        int n = g.Length;
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.Max(scale, Math.Abs(h[i, i]));
        if (scale == 0) scale = 1;
        for (double lambda = 0; ; lambda = lambda == 0 ? 1e-6 * scale : lambda * 10)
        {
            var damped = (double[,])h.Clone();
            for (int i = 0; i < n; i++) damped[i, i] += lambda;
            var l = LinAlg.Cholesky(damped, minPivot: 1e-8 * scale); // nearly singular counts as not definite
            if (l is not null) return LinAlg.CholeskySolve(l, g).Select(v => -v).ToArray();
            if (lambda > 1e12 * scale) throw new InvalidOperationException("Hessian has non-finite entries");
        }
    }

    /// <summary>
    /// BFGS (Nocedal &amp; Wright, Algorithm 6.1): keeps an approximation B⁻¹ of the inverse Hessian,
    /// starting from the identity scaled by yᵀs/yᵀy after the first step; direction p = −B⁻¹∇f;
    /// step length from a line search satisfying the strong Wolfe conditions (c₁ = 10⁻⁴, c₂ = 0.9,
    /// bracketing then bisection-zoom); update
    /// B⁻¹ ← (I − ρsyᵀ)B⁻¹(I − ρysᵀ) + ρssᵀ with ρ = 1/yᵀs (skipped if yᵀs ≤ 0).
    /// Converged: ‖∇f‖∞ ≤ <paramref name="gradTol"/>, or (once B⁻¹ has been scaled) the predicted
    /// decrease −∇fᵀp is below 10⁻¹⁵·|f|.
    /// </summary>
    /// <param name="valueGrad">Returns f(x) and ∇f(x).</param>
    /// <param name="x0">Starting point.</param>
    /// <param name="gradTol">Stop when every |∂f/∂x_i| ≤ this.</param>
    /// <param name="maxIter">Iteration limit.</param>
    public static OptimizeResult Bfgs(Func<double[], (double Value, double[] Gradient)> valueGrad, IReadOnlyList<double> x0, double gradTol = 1e-8, int maxIter = 500)
    {
        int n = x0.Count;
        var x = x0.ToArray();
        var path = new List<double[]> { (double[])x.Clone() };
        var (f, g) = valueGrad(x);
        int evaluations = 1, iter = 0;
        var hInv = LinAlg.Identity(n);
        bool scaled = false, converged = Small(g, gradTol);
        while (iter < maxIter && !converged)
        {
            var p = LinAlg.Multiply(hInv, g).Select(v => -v).ToArray();
            if (LinAlg.Dot(p, g) >= 0)
            {
                // Not a descent direction (rounding): restart from steepest descent.
                hInv = LinAlg.Identity(n);
                p = g.Select(v => -v).ToArray();
            }
            if (scaled && -LinAlg.Dot(p, g) <= 1e-15 * Math.Abs(f))
            {
                converged = true; // the predicted decrease is below f's rounding, as in Newton
                break;
            }
            var (t, fNew, gNew, used) = WolfeSearch(valueGrad, x, f, g, p);
            evaluations += used;
            if (t == 0) break; // the line search found no acceptable step
            var s = p.Select(v => t * v).ToArray();
            var y = gNew.Zip(g, (a, b) => a - b).ToArray();
            double ys = LinAlg.Dot(y, s);
            if (ys > 0)
            {
                if (!scaled)
                {
                    double gamma = ys / LinAlg.Dot(y, y);
                    for (int i = 0; i < n; i++) hInv[i, i] = gamma;
                    scaled = true;
                }
                UpdateInverse(hInv, s, y, 1.0 / ys);
            }
            x = Axpy(x, t, p);
            (f, g) = (fNew, gNew);
            path.Add((double[])x.Clone());
            iter++;
            converged = Small(g, gradTol);
        }
        return new OptimizeResult(x, f, g, iter, evaluations, converged, path);
    }

    /// <summary>H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ, expanded: H − ρ(s·(Hy)ᵀ + (Hy)·sᵀ) + (ρ²·yᵀHy + ρ)·ssᵀ.</summary>
    private static void UpdateInverse(double[,] h, double[] s, double[] y, double rho)
    {
        int n = s.Length;
        var hy = LinAlg.Multiply(h, y);
        double yhy = LinAlg.Dot(y, hy);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                h[i, j] += -rho * (s[i] * hy[j] + hy[i] * s[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
    }

    /// <summary>
    /// Strong Wolfe line search along p from x (Nocedal &amp; Wright, Algorithm 3.5: try t = 1, 2, 4, ...
    /// until a step brackets a minimum, then Algorithm 3.6 "zoom" with bisection): returns the step
    /// t (0 if none found), f and ∇f there, and the number of evaluations used.
    /// </summary>
    private static (double T, double F, double[] G, int Evaluations) WolfeSearch(
        Func<double[], (double Value, double[] Gradient)> valueGrad, double[] x, double f0, double[] g0, double[] p)
    {
        const double c1 = 1e-4, c2 = 0.9;
        const int maxTries = 60;
        double slope0 = LinAlg.Dot(g0, p);
        int used = 0;
        (double T, double F, double[] G) Eval(double t)
        {
            used++;
            var (f, g) = valueGrad(Axpy(x, t, p));
            return (t, double.IsFinite(f) ? f : double.PositiveInfinity, g);
        }
        bool Armijo((double T, double F, double[] G) e) => e.F <= f0 + c1 * e.T * slope0;
        bool Curvature((double T, double F, double[] G) e) => Math.Abs(LinAlg.Dot(e.G, p)) <= -c2 * slope0;

        // Zoom on [lo, hi]: lo is the best step so far that satisfies Armijo (t = 0 at the start).
        (double, double, double[], int) Zoom((double T, double F, double[] G) lo, double hi)
        {
            for (int k = 0; k < maxTries; k++)
            {
                var mid = Eval(0.5 * (lo.T + hi));
                if (!Armijo(mid) || mid.F >= lo.F)
                    hi = mid.T;
                else
                {
                    if (Curvature(mid)) return (mid.T, mid.F, mid.G, used);
                    if (LinAlg.Dot(mid.G, p) * (hi - lo.T) >= 0) hi = lo.T;
                    lo = mid;
                }
            }
            return lo.T > 0 ? (lo.T, lo.F, lo.G, used) : (0, f0, g0, used);
        }

        var previous = (T: 0.0, F: f0, G: g0);
        for (int k = 0; k < maxTries; k++)
        {
            var e = Eval(k == 0 ? 1.0 : 2 * previous.T);
            if (!Armijo(e) || (k > 0 && e.F >= previous.F)) return Zoom(previous, e.T);
            if (Curvature(e)) return (e.T, e.F, e.G, used);
            if (LinAlg.Dot(e.G, p) >= 0) return Zoom(e, previous.T);
            previous = e;
        }
        return (previous.T, previous.F, previous.G, used);
    }

    private static bool Small(double[] g, double tol) => g.All(v => Math.Abs(v) <= tol);

    private static double[] Axpy(double[] x, double t, double[] p)
    {
        var r = new double[x.Length];
        for (int i = 0; i < r.Length; i++) r[i] = x[i] + t * p[i];
        return r;
    }
}
