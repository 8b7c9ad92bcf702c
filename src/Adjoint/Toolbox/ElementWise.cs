using static Adjoint.Np;

namespace Adjoint.Primitives;

/// <summary>
/// An element-wise function of one array from numpy's surface (log1p, arcsin, erf, …): eval by its scalar
/// function, derivative as a tensor expression next to it. These have no lane form (Jit evaluates them
/// whole rather than inside the fused loop, and the GPU backend has no device code for them).
/// </summary>
internal sealed class Elementwise(string name, Func<double, double> scalar, Func<Tensor, Tensor, Tensor>? derivative) : Primitive
{
    public override string Name => name;
    public override int[] OutputShape(int[][] inputs) => inputs[0];
    public override bool IsElementWise => true;

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        var source = x[0].Data;
        var result = Kernels.NewArray(source.Length);
        for (int i = 0; i < source.Length; i++) result[i] = scalar(source[i]);
        return new(outputShape, result);
    }

    /// <summary>Piecewise-constant functions (floor, ceil, round) have no derivative: zero, as in JAX.</summary>
    public override bool IsDifferentiable => derivative is not null;

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => dx * derivative!(x[0], y);
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => ct * derivative!(x[0], y);

    // The functions, each with its derivative dy/dx written in terms of x and the output y.

    /// <summary>log(1 + x), accurate for small x; 1/(1 + x).</summary>
    public static readonly Elementwise Log1p = new("log1p", double.LogP1, (x, y) => 1.0 / (1.0 + x));
    /// <summary>eˣ − 1, accurate for small x; eˣ = y + 1.</summary>
    public static readonly Elementwise Expm1 = new("expm1", double.ExpM1, (x, y) => y + 1.0);
    /// <summary>log₂ x; 1/(x ln 2).</summary>
    public static readonly Elementwise Log2 = new("log2", Math.Log2, (x, y) => 1.0 / (x * Math.Log(2)));
    /// <summary>log₁₀ x; 1/(x ln 10).</summary>
    public static readonly Elementwise Log10 = new("log10", Math.Log10, (x, y) => 1.0 / (x * Math.Log(10)));
    /// <summary>2ˣ; 2ˣ ln 2.</summary>
    public static readonly Elementwise Exp2 = new("exp2", double.Exp2, (x, y) => y * Math.Log(2));
    /// <summary>sinh x; cosh x.</summary>
    public static readonly Elementwise Sinh = new("sinh", Math.Sinh, (x, y) => Np.Cosh(x));
    /// <summary>cosh x; sinh x.</summary>
    public static readonly Elementwise Cosh = new("cosh", Math.Cosh, (x, y) => Np.Sinh(x));
    /// <summary>arcsin x; 1/√(1 − x²) (infinite at ±1).</summary>
    public static readonly Elementwise Arcsin = new("asin", Math.Asin, (x, y) => 1.0 / Sqrt(1.0 - x * x));
    /// <summary>arccos x; −1/√(1 − x²).</summary>
    public static readonly Elementwise Arccos = new("acos", Math.Acos, (x, y) => -1.0 / Sqrt(1.0 - x * x));
    /// <summary>arctan x; 1/(1 + x²).</summary>
    public static readonly Elementwise Arctan = new("atan", Math.Atan, (x, y) => 1.0 / (1.0 + x * x));
    /// <summary>arsinh x; 1/√(x² + 1).</summary>
    public static readonly Elementwise Arcsinh = new("asinh", Math.Asinh, (x, y) => 1.0 / Sqrt(x * x + 1.0));
    /// <summary>arcosh x (x ≥ 1); 1/√(x² − 1).</summary>
    public static readonly Elementwise Arccosh = new("acosh", Math.Acosh, (x, y) => 1.0 / Sqrt(x * x - 1.0));
    /// <summary>artanh x (|x| &lt; 1); 1/(1 − x²).</summary>
    public static readonly Elementwise Arctanh = new("atanh", Math.Atanh, (x, y) => 1.0 / (1.0 - x * x));
    /// <summary>The error function; (2/√π) e^(−x²).</summary>
    public static readonly Elementwise Erf = new("erf", Special.Erf, (x, y) => 2.0 / Math.Sqrt(Math.PI) * Exp(-(x * x)));
    /// <summary>∛x (real, odd); 1/(3 y²), infinite at 0 as in JAX.</summary>
    public static readonly Elementwise Cbrt = new("cbrt", Math.Cbrt, (x, y) => 1.0 / (3.0 * y * y));
    /// <summary>The logistic sigmoid 1/(1 + e⁻ˣ); y(1 − y).</summary>
    public static readonly Elementwise Sigmoid = new("logistic", x => 1.0 / (1.0 + Math.Exp(-x)), (x, y) => y * (1.0 - y));
    /// <summary>softplus log(1 + eˣ), computed as max(x, 0) + log1p(e^−|x|) (no overflow); its derivative is the sigmoid.</summary>
    public static readonly Elementwise Softplus = new("softplus", x => Math.Max(x, 0) + double.LogP1(Math.Exp(-Math.Abs(x))), (x, y) => Np.Sigmoid(x));
    public static readonly Elementwise Floor = new("floor", Math.Floor, null);
    public static readonly Elementwise Ceil = new("ceil", Math.Ceiling, null);
    /// <summary>Round half to even, as numpy.</summary>
    public static readonly Elementwise Round = new("round", x => Math.Round(x, MidpointRounding.ToEven), null);
}

/// <summary>Scalar special functions .NET does not provide.</summary>
internal static class Special
{
    /// <summary>
    /// erf x to about 1 ulp: the Maclaurin series for |x| &lt; 2.5 (alternating terms, all small there), else
    /// 1 − erfc x with erfc from its continued fraction (Lentz), which converges fast for large |x|.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        if (a < 2.5)
        {
            // erf x = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
            double term = a, sum = a, x2 = a * a;
            for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
            {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            return Math.CopySign(2 / Math.Sqrt(Math.PI) * sum, x);
        }
        if (a > 6) return Math.CopySign(1.0, x);
        // erfc a = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …)))))
        double tiny = 1e-300, f = a, c = a, d = 0;
        for (int k = 1; k < 300; k++)
        {
            double coefficient = k * 0.5;
            d = a + coefficient * d; d = Math.Abs(d) < tiny ? tiny : d; d = 1 / d;
            c = a + coefficient / c; c = Math.Abs(c) < tiny ? tiny : c;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        double erfc = Math.Exp(-a * a) / Math.Sqrt(Math.PI) / f;
        return Math.CopySign(1 - erfc, x);
    }
}
