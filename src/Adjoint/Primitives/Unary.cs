using System.Numerics.Tensors;
using static Adjoint.Np;

namespace Adjoint.Primitives;

/// <summary>
/// An element-wise function of one array. Its derivative is a tensor expression
/// <c>y' = Derivative(x, y)</c>; forward mode multiplies it by the tangent, reverse mode by the cotangent.
/// </summary>
internal abstract class Unary(string name, UnaryOp kernel, Lane lane) : Primitive
{
    public override string Name => name;
    public override Lane? Lane { get; } = lane with { Name = name };
    public override int[] OutputShape(int[][] inputs) => inputs[0];
    public override Tensor Eval(Tensor[] x, int[] outputShape) => new(outputShape, Kernels.Unary(x[0].Data, kernel));

    /// <summary>dy/dx, written with tensor operations so that it can be differentiated again.</summary>
    protected abstract Tensor Derivative(Tensor x, Tensor y);

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => dx * Derivative(x[0], y);
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => ct * Derivative(x[0], y);
}

/// <summary>−x. Linear: the tangent and cotangent are negated.</summary>
internal sealed class Neg() : Unary("neg", TensorPrimitives.Negate, Lane.Unary(LaneCode.Neg, "Negate"))
{
    public static readonly Neg Op = new();
    protected override Tensor Derivative(Tensor x, Tensor y) => -1.0;
    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => -dx;
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => -ct;
}

/// <summary>eˣ; d/dx eˣ = eˣ, which is the output itself.</summary>
internal sealed class ExpP() : Unary("exp", SimdMath.Exp, Lane.Unary(LaneCode.Exp, "Exp"))
{
    public static readonly ExpP Op = new();
    protected override Tensor Derivative(Tensor x, Tensor y) => y;
}

/// <summary>Natural logarithm; d/dx log x = 1/x.</summary>
internal sealed class LogP() : Unary("log", SimdMath.Log, Lane.Unary(LaneCode.Log, "Log"))
{
    public static readonly LogP Op = new();
    protected override Tensor Derivative(Tensor x, Tensor y) => 1.0 / x;
    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => dx / x[0];
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => ct / x[0];
}

/// <summary>sin x; d/dx sin x = cos x.</summary>
internal sealed class SinP() : Unary("sin", TensorPrimitives.Sin, Lane.Unary(LaneCode.Sin, "Sin"))
{
    public static readonly SinP Op = new();
    protected override Tensor Derivative(Tensor x, Tensor y) => Cos(x);
}

/// <summary>cos x; d/dx cos x = −sin x.</summary>
internal sealed class CosP() : Unary("cos", TensorPrimitives.Cos, Lane.Unary(LaneCode.Cos, "Cos"))
{
    public static readonly CosP Op = new();
    protected override Tensor Derivative(Tensor x, Tensor y) => -Sin(x);
}

/// <summary>tan x; d/dx tan x = 1 + tan² x.</summary>
internal sealed class TanP() : Unary("tan", TensorPrimitives.Tan, Lane.Unary(LaneCode.Tan, null))
{
    public static readonly TanP Op = new();
    protected override Tensor Derivative(Tensor x, Tensor y) => 1.0 + y * y;
}

/// <summary>
/// tanh x; d/dx tanh x = 1 − tanh² x = 1/cosh² x, written the second way: for large |x| tanh x rounds to nearly 1
/// and 1 − tanh² x would lose most of its digits (at x = 9 about half), in every derivative built on it.
/// </summary>
internal sealed class TanhP() : Unary("tanh", TensorPrimitives.Tanh, Lane.Unary(LaneCode.Tanh, null))
{
    public static readonly TanhP Op = new();
    protected override Tensor Derivative(Tensor x, Tensor y)
    {
        var c = Cosh(x);
        return 1.0 / (c * c);
    }
}

/// <summary>√x; d/dx √x = 1/(2√x).</summary>
internal sealed class SqrtP() : Unary("sqrt", TensorPrimitives.Sqrt, Lane.Unary(LaneCode.Sqrt, "Sqrt"))
{
    public static readonly SqrtP Op = new();
    protected override Tensor Derivative(Tensor x, Tensor y) => 0.5 / y;
}

/// <summary>|x|; d/dx |x| = 1 for x ≥ 0 and −1 for x &lt; 0, so 1 at the kink x = 0 (JAX's rule: select(x ≥ 0, g, −g)).</summary>
internal sealed class AbsP() : Unary("abs", TensorPrimitives.Abs, Lane.Unary(LaneCode.Abs, "Abs"))
{
    public static readonly AbsP Op = new();
    protected override Tensor Derivative(Tensor x, Tensor y) => Where(GreaterEqual(x, 0.0), 1.0, -1.0);
}

/// <summary>sign(x) ∈ {−1, 0, 1}: piecewise constant, so its derivative is zero everywhere it exists.</summary>
internal sealed class SignP() : Unary("sign", (x, r) => { for (int i = 0; i < r.Length; i++) r[i] = Sign(x[i]); }, Lane.Unary(LaneCode.Sign, null))
{
    /// <summary>Keeps ±0 and NaN.</summary>
    private static double Sign(double x) => x > 0 ? 1 : x < 0 ? -1 : x;

    public static readonly SignP Op = new();
    public override bool IsDifferentiable => false;
    protected override Tensor Derivative(Tensor x, Tensor y) => throw new System.Diagnostics.UnreachableException();
}

/// <summary>xᶜ for a constant exponent c; d/dx xᶜ = c·xᶜ⁻¹ (written 2x for c = 2 and 1 for c = 1).</summary>
internal sealed class PowConst(double exponent) : Unary(exponent == Math.Floor(exponent) ? "integer_pow" : "pow_const", (x, r) => Kernel(x, exponent, r),
    new(LaneCode.PowConst, 2, null, Constant: exponent))
{
    public double Exponent => exponent;
    public override Param[] Params => [Param.Real("y", exponent)];

    private static void Kernel(ReadOnlySpan<double> x, double c, Span<double> r)
    {
        if (c == 2) TensorPrimitives.Multiply(x, x, r);
        else if (c == 1) x.CopyTo(r);
        else TensorPrimitives.Pow(x, c, r);
    }

    protected override Tensor Derivative(Tensor x, Tensor y) => exponent switch
    {
        0 => 0.0,
        1 => 1.0,
        2 => 2.0 * x,
        _ => exponent * Pow(x, exponent - 1),
    };
}

