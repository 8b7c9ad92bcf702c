using System.Numerics.Tensors;
using static Adjoint.Np;

namespace Adjoint.Primitives;

/// <summary>Shared shape logic of reductions over some of the trailing axes (declared for arrays of rank <c>rank</c>).</summary>
internal abstract class Reduction(int rank, int[] axes, bool keepdims) : Primitive
{
    public int Rank => rank;
    public int[] Axes => axes;
    public bool KeepDims => keepdims;
    public override Param[] Params => [Param.Integers("axes", axes), Param.Flag("keepdims", keepdims), Param.Integer("rank", rank, listed: false)];

    public override int[] OutputShape(int[][] s)
    {
        var lead = Shapes.Leading(s[0], rank, Name);
        return Shapes.Concat(lead, ReducedShape(s[0][lead.Length..], keepdims));
    }

    /// <summary>On blocks only reductions over leading axes: a sum over the pixels is combined across blocks instead.</summary>
    internal override Primitive? OnBlocks(BlockShapes map, int[][] inputs) =>
        map.IsSpatial(inputs[0]) && axes.All(a => a + inputs[0].Length - rank < inputs[0].Length - map.Spatial.Length) ? this : null;

    /// <summary>The trailing shape after reducing: axes removed, or kept with size 1.</summary>
    public int[] ReducedShape(int[] trailing, bool keep) =>
        keep ? trailing.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray()
             : trailing.Where((_, i) => !axes.Contains(i)).ToArray();

    protected bool[] Mask(int actualRank)
    {
        var mask = new bool[actualRank];
        foreach (int a in axes) mask[actualRank - rank + a] = true;
        return mask;
    }

    /// <summary>Reshapes an output-shaped array (cotangent or result) so it broadcasts against the input.</summary>
    protected Tensor WithKeptAxes(Tensor t, int[] inputTrailing) =>
        keepdims ? t : ReshapeTrailing(t, ReducedShape(inputTrailing, false), ReducedShape(inputTrailing, true));
}

/// <summary>Sum over axes. Linear: its VJP broadcasts the cotangent back over the summed axes.</summary>
internal sealed class SumP(int rank, int[] axes, bool keepdims) : Reduction(rank, axes, keepdims)
{
    public override string Name => "reduce_sum";

    public override Tensor Eval(Tensor[] x, int[] outputShape) =>
        new(outputShape, Kernels.Reduce(x[0].Data, x[0].shape, Mask(x[0].Rank), TensorPrimitives.Sum, TensorPrimitives.Add));

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => Dispatch.Bind(this, dx);

    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct)
    {
        var trailing = x[0].shape[^Rank..];
        return BroadcastTrailing(WithKeptAxes(ct, trailing), ReducedShape(trailing, true), trailing);
    }
}

/// <summary>
/// Maximum over axes. The derivative goes to the positions that attain the maximum, shared
/// equally among ties (JAX's convention for reduce_max).
/// </summary>
internal sealed class MaxP(int rank, int[] axes, bool keepdims) : Reduction(rank, axes, keepdims)
{
    public override string Name => "reduce_max";

    public override Tensor Eval(Tensor[] x, int[] outputShape) =>
        new(outputShape, Kernels.Reduce(x[0].Data, x[0].shape, Mask(x[0].Rank), TensorPrimitives.Max, TensorPrimitives.Max));

    /// <summary>1/k at each of the k positions that attain the maximum, 0 elsewhere.</summary>
    private Tensor Share(Tensor x, Tensor y)
    {
        var trailing = x.shape[^Rank..];
        var atMax = Equal(x, WithKeptAxes(y, trailing));
        return atMax / Dispatch.Bind(new SumP(Rank, Axes, true), atMax);
    }

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) =>
        Dispatch.Bind(new SumP(Rank, Axes, KeepDims), dx * Share(x[0], y));

    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) =>
        WithKeptAxes(ct, x[0].shape[^Rank..]) * Share(x[0], y);
}

