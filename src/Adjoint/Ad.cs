namespace Adjoint;

/// <summary>
/// The transformations, in the spirit of JAX: <see cref="Jvp(Func{Tensor, Tensor}, Tensor, Tensor)"/> and
/// <c>JacFwd</c> (forward mode), <c>Vjp</c>, <c>Grad</c> and <c>JacRev</c> (reverse mode), and
/// <c>Hessian</c> = JacFwd(JacRev(f)). They take functions and return functions, and nest freely:
/// <c>JacRev(JacFwd(f))</c>, <c>Grad(Grad(Grad(f)))</c>, ... With <c>using static Adjoint.Ad;</c>
/// the code reads like JAX.
/// </summary>
/// <remarks>
/// This file holds the general forms, over lists of arguments and outputs. The typed overloads
/// (1 to 4 arguments, <c>argnums</c> as an int or a tuple) in Overloads/Ad.Overloads.g.cs only adapt to them.
/// </remarks>
public static partial class Ad
{
    /// <summary>Forward mode: runs f once, pushing <paramref name="tangents"/> (null = zero) with leading batch axes <paramref name="batch"/>.</summary>
    internal static (Tensor[] Outputs, Tensor[] Tangents) JvpCore(Func<Tensor[], Tensor[]> f, Tensor[] primals, Tensor?[] tangents, int[] batch)
    {
        for (int i = 0; i < primals.Length; i++)
            if (tangents[i] is { } t && !Shapes.Equal(t.shape, Shapes.Concat(batch, primals[i].shape)))
                throw new ShapeException($"jvp: the tangent of argument {i} has shape {Shapes.Format(t.shape)}, but its primal has shape {Shapes.Format(primals[i].shape)}; they must match.");
        var trace = new JvpTrace(batch);
        Tensor[] outputs;
        try { outputs = f(primals.Select((p, i) => trace.Wrap(p, tangents[i])).ToArray()); }
        finally { trace.Exit(); }
        var ys = new Tensor[outputs.Length];
        var dys = new Tensor[outputs.Length];
        for (int k = 0; k < outputs.Length; k++)
        {
            var (y, dy) = trace.Unwrap(outputs[k]);
            ys[k] = y;
            dys[k] = dy ?? Np.Zeros(Shapes.Concat(batch, y.shape));
        }
        return (ys, dys);
    }

    /// <summary>
    /// Reverse mode: runs f once recording a tape, and returns the outputs with a pullback that maps
    /// output cotangents (shape: any batch shape + output shape) to the cotangents of the arguments in <paramref name="argnums"/>.
    /// </summary>
    internal static (Tensor[] Outputs, Func<Tensor[], Tensor[]> Pullback) VjpCore(Func<Tensor[], Tensor[]> f, Tensor[] primals, int[] argnums)
    {
        var trace = new ReverseTrace();
        var inputs = new ReverseTracer[argnums.Length];
        Tensor[] outputs;
        try
        {
            var args = (Tensor[])primals.Clone();
            for (int j = 0; j < argnums.Length; j++) args[argnums[j]] = inputs[j] = trace.NewInput(primals[argnums[j]]);
            outputs = f(args);
        }
        finally { trace.Exit(); }
        var ys = outputs.Select(trace.Unwrap).ToArray();

        Tensor[] Pullback(Tensor[] cotangents)
        {
            if (cotangents.Length != ys.Length)
                throw new ArgumentException($"vjp: expected {ys.Length} cotangent(s), one per output, got {cotangents.Length}.");
            int[]? batch = null;
            for (int k = 0; k < ys.Length; k++)
            {
                var ct = cotangents[k].shape;
                int extra = ct.Length - ys[k].Rank;
                if (extra < 0 || !Shapes.Equal(ct.AsSpan(extra), ys[k].shape) || (batch is not null && !Shapes.Equal(batch, ct[..extra])))
                    throw new ShapeException($"vjp: the cotangent has shape {Shapes.Format(ct)}, but the output has shape {Shapes.Format(ys[k].shape)}; they must match.");
                batch ??= ct[..extra];
            }
            var adjoints = trace.Backward(outputs, cotangents, inputs);
            return adjoints.Select((a, j) => a ?? Np.Zeros(Shapes.Concat(batch ?? [], inputs[j].shape))).ToArray();
        }
        return (ys, Pullback);
    }

    /// <summary>
    /// Jacobians by forward mode: all basis vectors of the chosen arguments are pushed in one pass as
    /// a batch of tangents. Result [k][j] has shape output k + argument argnums[j].
    /// </summary>
    internal static Tensor[][] JacFwdCore(Func<Tensor[], Tensor[]> f, Tensor[] args, int[] argnums)
    {
        var sizes = argnums.Select(j => args[j].Size).ToArray();
        int n = sizes.Sum();
        var tangents = new Tensor?[args.Length];
        for (int j = 0, offset = 0; j < argnums.Length; offset += sizes[j++])
            tangents[argnums[j]] = Basis(n, offset, args[argnums[j]].shape);
        var (ys, dys) = JvpCore(f, args, tangents, [n]);
        return ys.Select((y, k) => argnums.Select((arg, j) =>
        {
            // Rows of the tangent that belong to argument j, then move the basis axis last.
            var rows = argnums.Length == 1 ? dys[k] : Np.Slice(dys[k], 0, sizes[..j].Sum(), sizes[..j].Sum() + sizes[j]);
            var moved = Np.Moveaxis(rows, 0, -1);
            return Np.Reshape(moved, Shapes.Concat(y.shape, args[arg].shape));
        }).ToArray()).ToArray();
    }

    /// <summary>
    /// Jacobians by reverse mode: all basis cotangents of the outputs are pulled back in one pass.
    /// Result [k][j] has shape output k + argument argnums[j].
    /// </summary>
    internal static Tensor[][] JacRevCore(Func<Tensor[], Tensor[]> f, Tensor[] args, int[] argnums)
    {
        var (ys, pullback) = VjpCore(f, args, argnums);
        var sizes = ys.Select(y => y.Size).ToArray();
        int m = sizes.Sum();
        var cotangents = ys.Select((y, k) => Basis(m, sizes[..k].Sum(), y.shape)).ToArray();
        var grads = pullback(cotangents);
        return ys.Select((y, k) => argnums.Select((arg, j) =>
        {
            var rows = ys.Length == 1 ? grads[j] : Np.Slice(grads[j], 0, sizes[..k].Sum(), sizes[..k].Sum() + sizes[k]);
            return Np.Reshape(rows, Shapes.Concat(y.shape, args[arg].shape));
        }).ToArray()).ToArray();
    }

    /// <summary>The gradient of a scalar function with respect to the chosen arguments (and its value).</summary>
    internal static (Tensor Value, Tensor[] Gradients) GradCore(Func<Tensor[], Tensor> f, Tensor[] args, int[] argnums, string name = "grad")
    {
        var (ys, pullback) = VjpCore(a => [f(a)], args, argnums);
        if (ys[0].Rank != 0)
            throw new ShapeException($"{name} requires a scalar-output function, but the output has shape {Shapes.Format(ys[0].shape)}. Use JacRev or Vjp for non-scalar outputs, or reduce the output (e.g. Sum).");
        return (ys[0], pullback([1.0]));
    }

    /// <summary>
    /// Hessian blocks [i][j] = ∂²f/∂x_i∂x_j, by forward mode over reverse mode, made exactly symmetric: the entries
    /// (p, q) with p ≥ q (p indexes the gradient, q the tangent direction) are computed, (q, p) is their mirror. The
    /// Hessian of a twice continuously differentiable function is symmetric; forward over reverse gives two triangles
    /// that differ by rounding (jax.hessian returns both). Mirroring is one copy (the primitive mirror_lower), and a
    /// compiled Hessian (Ad.Jit) then skips the pixel sums of the triangle it does not read (<see cref="LiveElements"/>).
    /// </summary>
    internal static Tensor[][] HessianCore(Func<Tensor[], Tensor> f, Tensor[] args, int[] argnums)
    {
        var blocks = JacFwdCore(a => JacRevCore(b => [f(b)], a, argnums)[0], args, argnums);
        return Mirrored(blocks, blocks[0][0].Rank - 2 * args[argnums[0]].Rank);
    }

    /// <summary>
    /// Hessian blocks [i][j] of shape out + xᵢ + xⱼ (out of rank <paramref name="outRank"/>) with the lower triangle
    /// kept: [i][j] for i &lt; j is [j][i] with its two argument halves swapped, and a diagonal block takes its entries
    /// above the diagonal from below it.
    /// </summary>
    internal static Tensor[][] Mirrored(Tensor[][] blocks, int outRank)
    {
        var shapes = blocks.Select((row, i) => row[i].shape[outRank..(outRank + (row[i].Rank - outRank) / 2)]).ToArray();
        Tensor Swapped(Tensor h, int[] first, int[] second) => Np.Transpose(h, [.. Enumerable.Range(0, outRank),
            .. Enumerable.Range(outRank + first.Length, second.Length), .. Enumerable.Range(outRank, first.Length)]);
        var result = shapes.Select(_ => new Tensor[shapes.Length]).ToArray();
        for (int i = 0; i < shapes.Length; i++)
        {
            int size = Shapes.Size(shapes[i]);
            result[i][i] = size == 1 ? blocks[i][i] : Dispatch.Bind(new Primitives.MirrorP(size), blocks[i][i]);
            for (int j = 0; j < i; j++)
                (result[i][j], result[j][i]) = (blocks[i][j], Swapped(blocks[i][j], shapes[i], shapes[j]));
        }
        return result;
    }

    /// <summary>Hessian-vector product H·v by forward mode over reverse mode, without forming H.</summary>
    internal static Tensor HvpCore(Func<Tensor[], Tensor> f, Tensor x, Tensor v) =>
        JvpCore(a => GradCore(f, a, [0]).Gradients, [x], [v], []).Tangents[0];

    /// <summary>
    /// Standard basis vectors e_offset … e_offset+size−1 of an n-dimensional space, shaped
    /// (n, shape…): row r is 1 at flat position r − offset of the block and 0 elsewhere.
    /// </summary>
    private static Tensor Basis(int n, int offset, int[] shape)
    {
        int size = Shapes.Size(shape);
        var data = Kernels.NewZeroedArray(n * size);
        for (int i = 0; i < size; i++) data[(offset + i) * size + i] = 1;
        return new Tensor(Shapes.Concat([n], shape), data);
    }

    /// <summary>Checks argnums against the number of arguments (negative values count from the end).</summary>
    internal static int[] CheckArgnums(int arity, params int[] argnums)
    {
        var result = argnums.Select(a => a < 0 ? a + arity : a).ToArray();
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] < 0 || result[i] >= arity)
                throw new ArgumentOutOfRangeException(nameof(argnums), $"argnums {argnums[i]} is out of range for a function of {arity} argument{(arity == 1 ? "" : "s")} (valid: 0 to {arity - 1}).");
            if (Array.IndexOf(result, result[i]) != i)
                throw new ArgumentException($"argnums contains argument {result[i]} twice.", nameof(argnums));
        }
        return result;
    }

    /// <summary>
    /// The value of an auxiliary output, with traced values replaced by what they stand for (aux is
    /// not differentiated, as with JAX's has_aux).
    /// </summary>
    internal static TAux Finished<TAux>(TAux aux)
    {
        if (aux is not Tensor t) return aux;
        while (t is Tracer { Trace.IsActive: false, Primal: { } primal }) t = primal;
        return (TAux)(object)t;
    }
}
