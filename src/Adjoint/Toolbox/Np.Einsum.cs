namespace Adjoint;

public static partial class Np
{
    /// <summary>
    /// numpy's tensordot: sums the products over the last <paramref name="axes"/> axes of a and the first ones of b,
    /// as one matrix product (axes moved and flattened), so its derivatives are matmul's.
    /// </summary>
    public static Tensor Tensordot(Tensor a, Tensor b, int axes = 2) =>
        Tensordot(a, b, Enumerable.Range(a.Rank - axes, axes).ToArray(), Enumerable.Range(0, axes).ToArray());

    /// <summary>tensordot over the given pairs of axes (a's <paramref name="axesA"/>[i] with b's <paramref name="axesB"/>[i]).</summary>
    public static Tensor Tensordot(Tensor a, Tensor b, int[] axesA, int[] axesB)
    {
        var ca = axesA.Select(d => Shapes.Axis(d, a.Rank, "tensordot")).ToArray();
        var cb = axesB.Select(d => Shapes.Axis(d, b.Rank, "tensordot")).ToArray();
        if (ca.Length != cb.Length || ca.Where((d, i) => a.shape[d] != b.shape[cb[i]]).Any())
            throw new ShapeException($"tensordot: contracted axes of shapes {Shapes.Format(a.shape)} and {Shapes.Format(b.shape)} do not match ({Shapes.Format(axesA)} with {Shapes.Format(axesB)}).");
        var freeA = Enumerable.Range(0, a.Rank).Except(ca).ToArray();
        var freeB = Enumerable.Range(0, b.Rank).Except(cb).ToArray();
        int inner = ca.Aggregate(1, (p, d) => p * a.shape[d]);
        int rows = freeA.Aggregate(1, (p, d) => p * a.shape[d]), cols = freeB.Aggregate(1, (p, d) => p * b.shape[d]);
        var left = Reshape(Transpose(a, [.. freeA, .. ca]), rows, inner);
        var right = Reshape(Transpose(b, [.. cb, .. freeB]), inner, cols);
        return Reshape(MatMul(left, right), [.. freeA.Select(d => a.shape[d]), .. freeB.Select(d => b.shape[d])]);
    }

    /// <summary>
    /// numpy's einsum for explicit and implicit subscripts ("ij,jk->ik", "ii->", "i,i", "bij,bjk->bik"): each operand is
    /// laid out over all the subscripts (diagonals taken for repeated ones), the operands are multiplied with
    /// broadcasting and summed over the subscripts not in the output. Exact, and differentiable as its parts are
    /// (memory: the product over all subscripts is formed; fine for the small contractions of a course).
    /// </summary>
    public static Tensor Einsum(string subscripts, params Tensor[] operands)
    {
        var spec = subscripts.Replace(" ", "");
        var parts = spec.Split("->");
        var inputs = parts[0].Split(',');
        if (inputs.Length != operands.Length)
            throw new ArgumentException($"einsum: '{subscripts}' names {inputs.Length} operand(s), {operands.Length} given.");
        // Implicit output: the subscripts that appear once, in alphabetical order (numpy's rule).
        var output = parts.Length > 1 ? parts[1]
            : new string(string.Concat(inputs).GroupBy(c => c).Where(g => g.Count() == 1).Select(g => g.Key).Order().ToArray());
        var all = string.Concat(inputs).Distinct().OrderBy(c => output.Contains(c) ? output.IndexOf(c) : output.Length + c).ToArray();
        var sizes = new Dictionary<char, int>();
        Tensor? product = null;
        for (int k = 0; k < operands.Length; k++)
        {
            var (labels, x) = (inputs[k], operands[k]);
            if (labels.Length != x.Rank)
                throw new ShapeException($"einsum: operand {k} has shape {Shapes.Format(x.shape)} but subscripts '{labels}'.");
            for (int d = 0; d < labels.Length; d++)
                if (sizes.TryGetValue(labels[d], out int n) && n != x.shape[d])
                    throw new ShapeException($"einsum: subscript '{labels[d]}' has sizes {n} and {x.shape[d]} (operand {k}, shape {Shapes.Format(x.shape)}).");
                else sizes[labels[d]] = x.shape[d];
            (labels, x) = Diagonals(labels, x);
            // Order the operand's axes as in `all`, then give it size-1 axes for the subscripts it lacks.
            var present = all.Where(labels.Contains).ToArray();
            x = Transpose(x, present.Select(c => labels.IndexOf(c)).ToArray());
            x = Reshape(x, all.Select(c => labels.Contains(c) ? sizes[c] : 1).ToArray());
            product = product is null ? x : product * x;
        }
        var summed = Enumerable.Range(output.Length, all.Length - output.Length).ToArray();
        return summed.Length == 0 ? product! : Sum(product!, summed);
    }

    /// <summary>Takes diagonals for repeated subscripts of one operand ("ii" → "i"), until each appears once.</summary>
    private static (string Labels, Tensor X) Diagonals(string labels, Tensor x)
    {
        for (int d = 0; d < labels.Length; d++)
        {
            int e = labels.IndexOf(labels[d], d + 1);
            if (e < 0) continue;
            // Move the repeated pair last, take the diagonal of each (n, n) block, keep the other axes.
            int n = x.shape[d];
            var rest = Enumerable.Range(0, x.Rank).Where(a => a != d && a != e).ToArray();
            var moved = Reshape(Transpose(x, [.. rest, d, e]), [.. rest.Select(a => x.shape[a]), n * n]);
            var diagonal = Slice(moved, -1, 0, n * n, n + 1);
            return Diagonals(new string([.. rest.Select(a => labels[a]), labels[d]]), diagonal);
        }
        return (labels, x);
    }
}
