using Adjoint.Execution;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>The public executor interface (what Adjoint.Gpu builds on): a plan and its steps in element numbers.</summary>
public class PixelProgramTests
{
    [Fact]
    public void PlansAGraphOverItsPixelsWithElementWiseFormsAndIndexMaps()
    {
        var image = Uniform([16, 16], seed: 1);
        // Σ over the pixels of the sum over the lead axis of [log1p(x₀·image), x₁·image] flipped along it, times the image.
        Tensor F(Tensor x) => Sum(Sum(Flip(Stack(Log1p(x[0] * image), x[1] * image), 0) * image, 0));
        var graph = MakeGraph(F)(Array(0.5, 2.0)).Simplify();
        var plan = PixelProgram.Plan(graph);
        Assert.Equal([16, 16], plan.Spatial);
        Assert.Equal(256, plan.Pixels);
        var steps = plan.Steps;
        Assert.All(steps.Where(s => s.Phase == PixelPhase.Before), s => Assert.Equal(PixelStepKind.Host, s.Kind));
        var log1p = Assert.Single(steps, s => s.Kind == PixelStepKind.ElementWise && s.Function == LaneCode.Log1p);
        Assert.True(log1p.Inputs[0].IsSpatial);
        Assert.Contains(steps, s => s.Inputs.Any(v => v.Constant is { } c && c.ToArray().SequenceEqual(image.ToArray())));
        var flip = Assert.Single(steps, s => s.Kind == PixelStepKind.Move && s.Primitive.StartsWith("rev"));
        Assert.Equal([2, 1], flip.Sources); // per pixel: element 0 comes from element 2 of the inputs (1-based), 1 from 1
        Assert.Equal([2, 1, 1], flip.Output.PixelShape);
        var sum = Assert.Single(steps, s => s.Phase == PixelPhase.OverPixels);
        Assert.Equal((PixelStepKind.PixelReduce, LaneCode.Add), (sum.Kind, sum.Function));
        Assert.Equal(1e-10 - 5e-21, LaneMath.Apply(LaneCode.Log1p, 1e-10, 0, 0), 1e-30); // log1p keeps the digits log(1 + x) loses

        // A compiler of graphs plugs into Jit through the same interface; here one that evaluates every step on the host.
        var viaPlan = Jit(F, g =>
        {
            var p = PixelProgram.Plan(g);
            return args =>
            {
                var values = p.Inputs.Zip(args).ToDictionary(v => v.First, v => v.Second);
                Tensor Value(PixelValue v) => v.Constant ?? values[v];
                foreach (var step in p.Steps) values[step.Output] = p.Evaluate(step, step.Inputs.Select(Value).ToArray());
                return p.Outputs.Select(Value).ToArray();
            };
        });
        var x = Array(0.5, 2.0);
        Assertions.Close(F(x), viaPlan(x), 1e-14);
        Assert.Throws<NotSupportedException>(() => PixelProgram.Plan(MakeGraph((Tensor m) => Sum(MatMul(m, m)))(Uniform([4, 4]))));
    }

    [Fact]
    public void ValuesComputedFromASumOverThePixelsAreNeverPerPixelWhateverTheirShape()
    {
        // JacFwd of a sum over 3 elements sums 3 tangent lanes over 3 "pixels": shape (3,), like the pixels; the
        // epilogue then scales it by exp(sum). Both are one number per lane, computed after the pixels.
        static Tensor F(Tensor x) => Exp(Sum(Arctan(x)));
        var x = Array(-1.357, 0.56, -0.094);
        var plan = PixelProgram.Plan(MakeGraph(JacFwd(F))(x).Simplify());
        Assert.Equal([3], plan.Spatial);
        var reductions = plan.Steps.Where(s => s.Kind == PixelStepKind.PixelReduce).ToArray();
        Assert.Contains(reductions, s => s.Output.Shape.SequenceEqual([3]));
        Assert.All(reductions, s => Assert.False(s.Output.IsSpatial));
        Assert.All(plan.Steps.Where(s => s.Phase == PixelPhase.After), s => Assert.False(s.Output.IsSpatial));
        Assert.Contains(plan.Steps, s => s.Phase == PixelPhase.After);
        Assert.All(plan.Outputs, v => Assert.False(v.IsSpatial));
    }
}
