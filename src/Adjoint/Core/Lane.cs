namespace Adjoint;

/// <summary>The element-wise functions, as codes: what the GPU interpreter switches on (device code cannot call delegates).</summary>
internal enum LaneCode
{
    Neg, Exp, Log, Sin, Cos, Tan, Tanh, Sqrt, Abs, Sign,
    Add, Sub, Mul, Div, Pow, PowConst, Max, Min, Hypot, Atan2,
    Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual,
    Select,
}

/// <summary>How the vector form of a lane function is built from the method named by <see cref="Lane.Vector"/>.</summary>
internal enum VectorForm
{
    /// <summary>The Vector512/Vector256 method itself (or the scalar function per element when there is none).</summary>
    Call,
    /// <summary>A comparison: the method's all-ones mask ANDed with 1.0, giving 1.0 or 0.0.</summary>
    Mask,
    /// <summary>The negated comparison: 1.0 where the method's mask is clear.</summary>
    NegatedMask,
    /// <summary>select(c, a, b): a where c ≠ 0 (NaN counts as ≠ 0), else b.</summary>
    Select,
}

/// <summary>
/// The element-wise form of a primitive: the function computing one output number from one number per
/// input (a lane), for loops that fuse many primitives — Jit's SIMD loop and the GPU interpreter.
/// Each element-wise primitive declares its lane next to its eval and derivative rules.
/// </summary>
/// <param name="Code">Which function this is (the GPU interpreter's switch).</param>
/// <param name="Arity">Operands, <see cref="Constant"/> included.</param>
/// <param name="Scalar">The function on doubles: constant folding and the pixels after the last full vector.</param>
/// <param name="Vector">The static method of Vector512/Vector256 that computes it on a vector; null: none (the scalar function per element).</param>
/// <param name="Form">How the vector method gives the result.</param>
/// <param name="Commutative">Whether the two operands may be swapped (to share equal nodes).</param>
/// <param name="Constant">A constant last operand (pow_const's exponent), or null.</param>
/// <param name="Identity">e with x ∘ e = x (and e ∘ x = x when commutative): x + 0, x · 1, x − 0 are x.</param>
internal sealed record Lane(LaneCode Code, int Arity, Func<double, double, double, double> Scalar, string? Vector,
    VectorForm Form = VectorForm.Call, bool Commutative = false, double? Constant = null, double? Identity = null)
{
    /// <summary>The primitive's name ("mul", "eq"…), for descriptions of fused loops.</summary>
    public string Name { get; init; } = Code.ToString();

    public static Lane Unary(LaneCode code, Func<double, double> f, string? vector) => new(code, 1, (a, _, _) => f(a), vector);

    public static Lane Binary(LaneCode code, Func<double, double, double> f, string? vector, bool commutative = false, double? identity = null) =>
        new(code, 2, (a, b, _) => f(a, b), vector, Commutative: commutative, Identity: identity);

    public static Lane Comparison(LaneCode code, Func<double, double, bool> test, string vector, bool negated = false) =>
        new(code, 2, (a, b, _) => test(a, b) ? 1 : 0, vector, negated ? VectorForm.NegatedMask : VectorForm.Mask,
            Commutative: code is LaneCode.Equal or LaneCode.NotEqual);

    public override string ToString() => Constant is { } c ? $"{Code}({c})" : Code.ToString();
}
