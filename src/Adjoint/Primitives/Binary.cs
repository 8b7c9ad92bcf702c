using System.Numerics.Tensors;
using static Adjoint.Np;

namespace Adjoint.Primitives;

/// <summary>
/// An element-wise function of two arrays with numpy broadcasting. Its partial derivatives are
/// tensor expressions; the reverse trace sums cotangents back over broadcast axes.
/// </summary>
internal abstract class Binary(string name, BinaryKernel kernel, Lane lane) : Primitive
{
    public override string Name => name;
    public override Lane? Lane { get; } = lane with { Name = name };
    public override int[] OutputShape(int[][] inputs) => Shapes.Broadcast(inputs[0], inputs[1], name);
    public override Tensor Eval(Tensor[] x, int[] outputShape) =>
        new(outputShape, Kernels.Binary(x[0].Data, x[0].shape, x[1].Data, x[1].shape, outputShape, kernel));

    /// <summary>∂y/∂(input i), written with tensor operations.</summary>
    protected abstract Tensor Partial(int i, Tensor a, Tensor b, Tensor y);

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => dx * Partial(i, x[0], x[1], y);
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => ct * Partial(i, x[0], x[1], y);
}

/// <summary>a + b. Linear: tangents pass through, cotangents go to both inputs.</summary>
internal sealed class AddP() : Binary("add", BinaryKernel.Commutative(TensorPrimitives.Add, TensorPrimitives.Add),
    Lane.Binary(LaneCode.Add, "Add", commutative: true, identity: 0))
{
    public static readonly AddP Op = new();
    protected override Tensor Partial(int i, Tensor a, Tensor b, Tensor y) => 1.0;
    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => dx;
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => ct;
}

/// <summary>a − b. Linear: the tangent/cotangent of b is negated.</summary>
internal sealed class SubP() : Binary("sub", new(TensorPrimitives.Subtract, TensorPrimitives.Subtract, TensorPrimitives.Subtract),
    Lane.Binary(LaneCode.Sub, "Subtract", identity: 0))
{
    public static readonly SubP Op = new();
    protected override Tensor Partial(int i, Tensor a, Tensor b, Tensor y) => i == 0 ? 1.0 : -1.0;
    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => i == 0 ? dx : -dx;
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => i == 0 ? ct : -ct;

    /// <summary>With both tangents present, one subtraction instead of a negation and an addition.</summary>
    public override Tensor? Jvp(Tensor[] x, Tensor y, Tensor?[] dx, Func<int, Tensor> zeroTangent) =>
        dx[0] is { } a && dx[1] is { } b ? a - b : base.Jvp(x, y, dx, zeroTangent);
}

/// <summary>a · b; ∂/∂a = b, ∂/∂b = a.</summary>
internal sealed class MulP() : Binary("mul", BinaryKernel.Commutative(TensorPrimitives.Multiply, TensorPrimitives.Multiply),
    Lane.Binary(LaneCode.Mul, "Multiply", commutative: true, identity: 1))
{
    public static readonly MulP Op = new();
    protected override Tensor Partial(int i, Tensor a, Tensor b, Tensor y) => i == 0 ? b : a;
}

/// <summary>a / b; ∂/∂a = 1/b, ∂/∂b = −a/b².</summary>
internal sealed class DivP() : Binary("div", new(TensorPrimitives.Divide, TensorPrimitives.Divide, TensorPrimitives.Divide),
    Lane.Binary(LaneCode.Div, "Divide"))
{
    public static readonly DivP Op = new();
    protected override Tensor Partial(int i, Tensor a, Tensor b, Tensor y) => i == 0 ? 1.0 / b : -y / b;
    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => i == 0 ? dx / x[1] : -dx * y / x[1];
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => i == 0 ? ct / x[1] : -ct * y / x[1];
}

/// <summary>
/// aᵇ with a tensor exponent; ∂/∂a = b·aᵇ⁻¹, ∂/∂b = aᵇ·log a. At a = 0 the second is taken as 0
/// (JAX's convention), computed as log(where(a = 0, 1, a)) so that no NaN appears even in higher derivatives.
/// </summary>
internal sealed class PowP() : Binary("pow", new(TensorPrimitives.Pow, TensorPrimitives.Pow, TensorPrimitives.Pow),
    Lane.Binary(LaneCode.Pow, null))
{
    public static readonly PowP Op = new();
    protected override Tensor Partial(int i, Tensor a, Tensor b, Tensor y) =>
        i == 0 ? b * Pow(a, b - 1.0) : y * Log(Where(Equal(a, 0.0), 1.0, a));
}

/// <summary>
/// Element-wise maximum. Where a = b the derivative is shared equally (½ to each), as in JAX.
/// </summary>
internal sealed class MaximumP() : Binary("max", BinaryKernel.Commutative(TensorPrimitives.Max, TensorPrimitives.Max),
    Lane.Binary(LaneCode.Max, "Max", commutative: true))
{
    public static readonly MaximumP Op = new();
    protected override Tensor Partial(int i, Tensor a, Tensor b, Tensor y) =>
        (i == 0 ? Greater(a, b) : Greater(b, a)) + 0.5 * Equal(a, b);
}

/// <summary>Element-wise minimum. Where a = b the derivative is shared equally (½ to each), as in JAX.</summary>
internal sealed class MinimumP() : Binary("min", BinaryKernel.Commutative(TensorPrimitives.Min, TensorPrimitives.Min),
    Lane.Binary(LaneCode.Min, "Min", commutative: true))
{
    public static readonly MinimumP Op = new();
    protected override Tensor Partial(int i, Tensor a, Tensor b, Tensor y) =>
        (i == 0 ? Less(a, b) : Less(b, a)) + 0.5 * Equal(a, b);
}

/// <summary>√(a² + b²) without overflow; ∂/∂a = a/h, ∂/∂b = b/h, taken as 0 at the origin where h = 0.</summary>
internal sealed class HypotP() : Binary("hypot", BinaryKernel.Commutative(SimdMath.Hypot, (a, b, r) => SimdMath.Hypot(a, [b], r)),
    Lane.Binary(LaneCode.Hypot, "Hypot", commutative: true))
{
    public static readonly HypotP Op = new();
    protected override Tensor Partial(int i, Tensor a, Tensor b, Tensor y)
    {
        var atOrigin = Equal(y, 0.0);
        return Where(atOrigin, 0.0, (i == 0 ? a : b) / Where(atOrigin, 1.0, y));
    }
}

/// <summary>A comparison giving 1.0 where it holds and 0.0 elsewhere. Piecewise constant: no derivative.</summary>
internal sealed class Compare(string name, string symbol, Func<double, double, bool> test, Lane lane)
    : Binary(name, BinaryKernel.FromScalar((a, b) => test(a, b) ? 1.0 : 0.0), lane)
{
    public static readonly Compare Less = new("lt", "<", (a, b) => a < b, LaneCode.Less, "LessThan");
    public static readonly Compare LessEqual = new("le", "≤", (a, b) => a <= b, LaneCode.LessEqual, "LessThanOrEqual");
    public static readonly Compare Greater = new("gt", ">", (a, b) => a > b, LaneCode.Greater, "GreaterThan");
    public static readonly Compare GreaterEqual = new("ge", "≥", (a, b) => a >= b, LaneCode.GreaterEqual, "GreaterThanOrEqual");
    public static readonly Compare EqualTo = new("eq", "=", (a, b) => a == b, LaneCode.Equal, "Equals");
    public static readonly Compare NotEqualTo = new("ne", "≠", (a, b) => a != b, LaneCode.NotEqual, "Equals", negated: true);

    private Compare(string name, string symbol, Func<double, double, bool> test, LaneCode code, string vector, bool negated = false)
        : this(name, symbol, test, Lane.Comparison(code, vector, negated)) { }

    /// <summary>The mathematical symbol, for the trace tables.</summary>
    public string Symbol => symbol;

    public override bool IsDifferentiable => false;
    protected override Tensor Partial(int i, Tensor a, Tensor b, Tensor y) => throw new System.Diagnostics.UnreachableException();
}

/// <summary>
/// where(c, a, b): a where c ≠ 0, else b (broadcasting all three). The derivative flows to the
/// chosen branch only; the condition gets none. At a kink written with Where, JAX's convention holds:
/// the unselected branch contributes exactly zero.
/// </summary>
internal sealed class WhereP : Primitive
{
    public static readonly WhereP Op = new();
    public override string Name => "select";

    public override Lane? Lane { get; } = new(LaneCode.Select, 3, "ConditionalSelect", VectorForm.Select) { Name = "select" };

    public override int[] OutputShape(int[][] s) => Shapes.Broadcast(Shapes.Broadcast(s[0], s[1], "where"), s[2], "where");

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        var read = x.Select(t => Shapes.Equal(t.shape, outputShape) ? t.Data // no broadcast: read it as it is
            : Kernels.Gather(t.Data, 0, Shapes.BroadcastStrides(t.shape, outputShape), outputShape)).ToArray();
        var result = Kernels.NewArray(Shapes.Size(outputShape));
        for (int i = 0; i < result.Length; i++) result[i] = read[0][i] != 0 ? read[1][i] : read[2][i];
        return new Tensor(outputShape, result);
    }

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => Branch(i, x[0], dx);
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => Branch(i, x[0], ct);

    private static Tensor? Branch(int i, Tensor condition, Tensor t) => i switch
    {
        1 => Where(condition, t, 0.0),
        2 => Where(condition, 0.0, t),
        _ => null,
    };
}
