using static Adjoint.Np;

namespace Adjoint.Primitives;

/// <summary>
/// An element-wise function of one array from numpy's surface (log1p, arcsin, erf, …): its function is its
/// lane form (<see cref="LaneMath.Apply"/> with its <see cref="LaneCode"/>), which eager evaluation, Jit's
/// fused loop and the GPU interpreter all compute; its derivative is a tensor expression next to it.
/// </summary>
internal sealed class Elementwise(string name, LaneCode code, Func<Tensor, Tensor, Tensor>? derivative) : Primitive
{
    public override string Name => name;
    public override int[] OutputShape(int[][] inputs) => inputs[0];
    public override Lane? Lane { get; } = Lane.Unary(code, null) with { Name = name };

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        var source = x[0].Data;
        var result = Kernels.NewArray(source.Length);
        for (int i = 0; i < source.Length; i++) result[i] = LaneMath.Apply(code, source[i], 0, 0);
        return new(outputShape, result);
    }

    /// <summary>Piecewise-constant functions (floor, ceil, round) have no derivative: zero, as in JAX.</summary>
    public override bool IsDifferentiable => derivative is not null;

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => dx * derivative!(x[0], y);
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => ct * derivative!(x[0], y);

    // The functions, each with its derivative dy/dx written in terms of x and the output y.

    /// <summary>log(1 + x), accurate for small x; 1/(1 + x).</summary>
    public static readonly Elementwise Log1p = new("log1p", LaneCode.Log1p, (x, y) => 1.0 / (1.0 + x));
    /// <summary>eˣ − 1, accurate for small x; eˣ = y + 1.</summary>
    public static readonly Elementwise Expm1 = new("expm1", LaneCode.Expm1, (x, y) => y + 1.0);
    /// <summary>log₂ x; 1/(x ln 2).</summary>
    public static readonly Elementwise Log2 = new("log2", LaneCode.Log2, (x, y) => 1.0 / (x * Math.Log(2)));
    /// <summary>log₁₀ x; 1/(x ln 10).</summary>
    public static readonly Elementwise Log10 = new("log10", LaneCode.Log10, (x, y) => 1.0 / (x * Math.Log(10)));
    /// <summary>2ˣ; 2ˣ ln 2.</summary>
    public static readonly Elementwise Exp2 = new("exp2", LaneCode.Exp2, (x, y) => y * Math.Log(2));
    /// <summary>sinh x; cosh x.</summary>
    public static readonly Elementwise Sinh = new("sinh", LaneCode.Sinh, (x, y) => Np.Cosh(x));
    /// <summary>cosh x; sinh x.</summary>
    public static readonly Elementwise Cosh = new("cosh", LaneCode.Cosh, (x, y) => Np.Sinh(x));
    /// <summary>arcsin x; 1/√(1 − x²) (infinite at ±1).</summary>
    public static readonly Elementwise Arcsin = new("asin", LaneCode.Asin, (x, y) => 1.0 / Sqrt(1.0 - x * x));
    /// <summary>arccos x; −1/√(1 − x²).</summary>
    public static readonly Elementwise Arccos = new("acos", LaneCode.Acos, (x, y) => -1.0 / Sqrt(1.0 - x * x));
    /// <summary>arctan x; 1/(1 + x²).</summary>
    public static readonly Elementwise Arctan = new("atan", LaneCode.Atan, (x, y) => 1.0 / (1.0 + x * x));
    /// <summary>arsinh x; 1/√(x² + 1).</summary>
    public static readonly Elementwise Arcsinh = new("asinh", LaneCode.Asinh, (x, y) => 1.0 / Sqrt(x * x + 1.0));
    /// <summary>arcosh x (x ≥ 1); 1/√(x² − 1).</summary>
    public static readonly Elementwise Arccosh = new("acosh", LaneCode.Acosh, (x, y) => 1.0 / Sqrt(x * x - 1.0));
    /// <summary>artanh x (|x| &lt; 1); 1/(1 − x²).</summary>
    public static readonly Elementwise Arctanh = new("atanh", LaneCode.Atanh, (x, y) => 1.0 / (1.0 - x * x));
    /// <summary>The error function; (2/√π) e^(−x²).</summary>
    public static readonly Elementwise Erf = new("erf", LaneCode.Erf, (x, y) => 2.0 / Math.Sqrt(Math.PI) * Exp(-(x * x)));
    /// <summary>∛x (real, odd); 1/(3 y²), infinite at 0 as in JAX.</summary>
    public static readonly Elementwise Cbrt = new("cbrt", LaneCode.Cbrt, (x, y) => 1.0 / (3.0 * y * y));
    /// <summary>The logistic sigmoid 1/(1 + e⁻ˣ); y(1 − y).</summary>
    public static readonly Elementwise Sigmoid = new("logistic", LaneCode.Sigmoid, (x, y) => y * (1.0 - y));
    /// <summary>softplus log(1 + eˣ), computed as max(x, 0) + log1p(e^−|x|) (no overflow); its derivative is the sigmoid.</summary>
    public static readonly Elementwise Softplus = new("softplus", LaneCode.Softplus, (x, y) => Np.Sigmoid(x));
    public static readonly Elementwise Floor = new("floor", LaneCode.Floor, null);
    public static readonly Elementwise Ceil = new("ceil", LaneCode.Ceil, null);
    /// <summary>Round half to even, as numpy.</summary>
    public static readonly Elementwise Round = new("round", LaneCode.Round, null);
}
