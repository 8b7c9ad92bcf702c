namespace Adjoint;

/// <summary>
/// A primitive operation: the unit that every transformation understands. Each primitive keeps its
/// whole story in one place: the shape rule, how to evaluate it on numbers, its forward-mode rule
/// (JVP) and its reverse-mode rule (VJP). Rules are written with tensor operations, never raw
/// arithmetic, so they can themselves be differentiated: that is what gives higher derivatives.
/// </summary>
/// <remarks>
/// Parameters (axes, shapes) refer to the trailing axes of the inputs. When a rule runs on tangents
/// or cotangents that carry extra leading "batch" axes (one per basis vector of a Jacobian), those
/// axes pass through untouched. That is how JacFwd and JacRev push a whole basis in one pass.
/// </remarks>
internal abstract class Primitive
{
    /// <summary>The name shown in traces and listings, e.g. "sin" or "reduce_sum".</summary>
    public abstract string Name { get; }

    /// <summary>The output shape for the given input shapes; throws <see cref="ShapeException"/> when they do not fit.</summary>
    public abstract int[] OutputShape(int[][] inputs);

    /// <summary>Evaluates the primitive on concrete inputs.</summary>
    public abstract Tensor Eval(Tensor[] inputs, int[] outputShape);

    /// <summary>
    /// Forward mode: the tangent of the output caused by tangent <paramref name="dx"/> of input
    /// <paramref name="i"/> alone (the rule is linear in dx, so contributions of several inputs add up).
    /// <paramref name="y"/> is the primal output, handy for rules such as d exp(x) = exp(x)·dx.
    /// </summary>
    public abstract Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx);

    /// <summary>
    /// Reverse mode: the cotangent of input <paramref name="i"/> given the output's cotangent
    /// <paramref name="ct"/>; null where the input has no derivative (e.g. a comparison).
    /// The result may still be broadcast to the output's shape: the reverse trace sums it back.
    /// </summary>
    public abstract Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct);

    /// <summary>
    /// Reverse mode for all inputs at once, for rules that give every input's cotangent together (custom_vjp's bwd,
    /// checkpoint's recomputation): the cotangent of each input i with <paramref name="wanted"/>[i] (null for the others
    /// and where there is none), computed in one run. Null (the default): ask <see cref="Vjp(int, Tensor[], Tensor, Tensor)"/> input by input.
    /// </summary>
    public virtual Tensor?[]? Vjp(Tensor[] x, Tensor y, Tensor ct, bool[] wanted) => null;

    /// <summary>
    /// The tangent of the output from the tangents of all inputs (null = zero). The default adds the
    /// per-input <see cref="Jvp(int, Tensor[], Tensor, Tensor)"/>; primitives such as concatenate,
    /// whose tangent is built from all inputs together, override it.
    /// </summary>
    public virtual Tensor? Jvp(Tensor[] x, Tensor y, Tensor?[] dx, Func<int, Tensor> zeroTangent)
    {
        Tensor? sum = null;
        for (int i = 0; i < x.Length; i++)
        {
            if (dx[i] is not { } t || Jvp(i, x, y, t) is not { } contribution) continue;
            sum = sum is null ? contribution : sum + contribution;
        }
        return sum;
    }

    /// <summary>
    /// The element-wise form used by Jit's fused loop and the GPU interpreter; null when the primitive is not
    /// element-wise (structural operations, reductions and matrix products run in other ways).
    /// </summary>
    public virtual Lane? Lane => null;

    /// <summary>Whether each output element is computed from the broadcast input elements at its position (Vmap lines such operands up by rank).</summary>
    public virtual bool IsElementWise => Lane is not null;

    /// <summary>
    /// For Vmap: the operation on inputs that carry a batch on a new leading axis where <paramref name="batched"/>[i], given
    /// them as they are; null (the default) when this primitive already treats extra leading axes as batch axes.
    /// </summary>
    internal virtual Primitive? Batched(bool[] batched) => null;

    /// <summary>
    /// Whether each output element is a copy of one input element or a zero (reshape, transpose, slice, pad…), so
    /// that evaluating it on element numbers says where every output element comes from.
    /// </summary>
    internal virtual bool MovesElements => false;

    /// <summary>
    /// For a primitive that moves elements (or its block form): where each output element comes from, the inputs'
    /// elements numbered 1, 2, … across them in order; 0 where it adds a zero (a pad's). Found by evaluating it once
    /// on those numbers.
    /// </summary>
    internal int[] ElementSources(int[][] inputs, int[] output)
    {
        var numbered = new Tensor[inputs.Length];
        for (int i = 0, first = 1; i < inputs.Length; first += Shapes.Size(inputs[i++]))
            numbered[i] = new Tensor(inputs[i], Kernels.Numbers(Shapes.Size(inputs[i]), first));
        return [.. Eval(numbered, output).Data.Select(n => (int)n)];
    }

    /// <summary>Whether the output has derivatives at all (false for comparisons).</summary>
    public virtual bool IsDifferentiable => true;

    /// <summary>Whether <see cref="Jvp(int, Tensor[], Tensor, Tensor)"/> gives a tangent (false where it explains why forward mode cannot apply).</summary>
    public virtual bool HasForwardRule => true;

    /// <summary>
    /// All the parameters that make this operation what it is (shapes, axes, an exponent…). Equality,
    /// hashing (common-subexpression elimination, caches) and the listing all derive from them, so a
    /// parameter cannot be left out of one and not the others.
    /// </summary>
    public virtual Param[] Params => [];

    /// <summary>Parameters shown in listings, e.g. "axes=(0,)".</summary>
    public string Parameters => string.Join(", ", Params.Where(p => p.Listed).Select(p => p.ToString()));

    /// <summary>
    /// The block form: the same operation on blocks of pixels, whose spatial axes are replaced as
    /// <paramref name="map"/> says, for inputs of the given (whole) shapes; null when the operation would
    /// mix pixels or move them to other axes. Element-wise primitives work pixel by pixel as they are;
    /// the others say when they do (structural operations, reductions) or never (matrix products).
    /// </summary>
    internal virtual Primitive? OnBlocks(BlockShapes map, int[][] inputs) => Lane is null ? null : this;

    /// <summary>Equal primitives compute the same function: same kind, same name, same parameters.</summary>
    public sealed override bool Equals(object? obj) =>
        obj is Primitive other && other.GetType() == GetType() && other.Name == Name && other.Params.AsSpan().SequenceEqual(Params);

    public sealed override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(GetType());
        hash.Add(Name);
        foreach (var p in Params) hash.Add(p);
        return hash.ToHashCode();
    }

    public override string ToString() => Parameters.Length == 0 ? Name : $"{Name}[{Parameters}]";
}

/// <summary>
/// One typed parameter of a primitive: an integer, a real number, a flag or a list of integers (a
/// shape, axes, a permutation). <see cref="Listed"/>: whether listings show it (a reshape shows its
/// new shape, not the old one, as jaxprs do); it counts for equality either way.
/// </summary>
internal readonly struct Param : IEquatable<Param>
{
    private enum Type { Integer, Real, Flag, Integers }

    public string Name { get; }
    public bool Listed { get; }
    private readonly Type type;
    private readonly double number;
    private readonly int[] integers;

    private Param(string name, Type type, double number, int[] integers, bool listed) =>
        (Name, this.type, this.number, this.integers, Listed) = (name, type, number, integers, listed);

    public static Param Integer(string name, int value, bool listed = true) => new(name, Type.Integer, value, [], listed);
    public static Param Real(string name, double value, bool listed = true) => new(name, Type.Real, value, [], listed);
    public static Param Flag(string name, bool value) => new(name, Type.Flag, value ? 1 : 0, [], listed: value);
    public static Param Integers(string name, int[] values, bool listed = true) => new(name, Type.Integers, 0, (int[])values.Clone(), listed);

    // Reals compare by bits: 0.0 and −0.0 are different exponents' results (1/x), NaN equals itself.
    public bool Equals(Param other) =>
        Name == other.Name && type == other.type && BitConverter.DoubleToInt64Bits(number) == BitConverter.DoubleToInt64Bits(other.number)
        && integers.AsSpan().SequenceEqual(other.integers);

    public override bool Equals(object? obj) => obj is Param p && Equals(p);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        hash.Add(number);
        foreach (int i in integers) hash.Add(i);
        return hash.ToHashCode();
    }

    public override string ToString() => type switch
    {
        Type.Integer => $"{Name}={(int)number}",
        Type.Real => $"{Name}={number.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        Type.Flag => Name,
        _ => $"{Name}={Shapes.Format(integers)}",
    };
}
