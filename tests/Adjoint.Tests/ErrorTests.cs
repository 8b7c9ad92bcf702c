using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>Errors say what went wrong: the operation, the shapes, the argument.</summary>
public class ErrorTests
{
    [Fact]
    public void AddingIncompatibleShapesNamesTheOperationAndBothShapes()
    {
        var e = Assert.Throws<ShapeException>(() => Zeros(2, 3) + Zeros(4));
        Assert.Contains("add", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(4,)", e.Message);
    }

    [Fact]
    public void IncompatibleShapesInsideATransformationAreReportedTheSameWay()
    {
        var e = Assert.Throws<ShapeException>(() => Grad(x => Sum(x * Ones(4)))(Zeros(3)));
        Assert.Contains("mul", e.Message);
        Assert.Contains("(3,)", e.Message);
        Assert.Contains("(4,)", e.Message);
    }

    [Fact]
    public void MisalignedMatMulNamesBothShapes()
    {
        var e = Assert.Throws<ShapeException>(() => MatMul(Zeros(2, 3), Zeros(2, 3)));
        Assert.Contains("matmul", e.Message);
        Assert.Contains("(2, 3) and (2, 3)", e.Message);
        var v = Assert.Throws<ShapeException>(() => Dot(Zeros(3), Zeros(4)));
        Assert.Contains("matmul", v.Message);
    }

    [Fact]
    public void AShapeWithMoreElementsThanAnArrayHoldsIsRefusedNotWrappedAround()
    {
        // 65536² = 2³² wraps to 0 in an int, 100000² to 1 410 065 408: both used to make a tensor of the wrong size.
        var e = Assert.Throws<ShapeException>(() => Zeros(65536, 65536));
        Assert.Contains("(65536, 65536)", e.Message);
        Assert.Contains("4,294,967,296 elements", e.Message);
        Assert.Throws<ShapeException>(() => Ones(100_000, 100_000));
        Assert.Throws<ShapeException>(() => Zeros(46341, 46341)); // just over Array.MaxLength
        Assert.Throws<ShapeException>(() => BroadcastTo(Array([1.0]), [65536, 65536]));
        Assert.Throws<ShapeException>(() => Uniform([65536, 65536], seed: 1));
        Assert.Throws<ShapeException>(() => Eye(70_000));
        Assert.Throws<ShapeException>(() => Arange(6).Reshape(65536, 65536));
        // Zero elements are zero elements, however large the other axes.
        Assert.Equal([0, 100_000, 100_000], Zeros(0, 100_000, 100_000).Shape);
        Assert.Equal(0, Zeros(100_000, 100_000, 0).Size);
    }

    [Fact]
    public void ImpossibleReshapeNamesBothShapes()
    {
        var e = Assert.Throws<ShapeException>(() => Arange(6).Reshape(4, 2));
        Assert.Contains("reshape", e.Message);
        Assert.Contains("(6,)", e.Message);
        Assert.Contains("(4, 2)", e.Message);
        Assert.Throws<ShapeException>(() => Arange(7).Reshape(-1, 2));
    }

    [Fact]
    public void ConcatenatingMismatchedShapesNamesThem()
    {
        var e = Assert.Throws<ShapeException>(() => Concatenate([Zeros(2, 3), Zeros(2, 4)], 0));
        Assert.Contains("concatenate", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(2, 4)", e.Message);
        var stack = Assert.Throws<ShapeException>(() => Stack(Zeros(3), Zeros(2)));
        Assert.Contains("stack", stack.Message);
    }

    [Fact]
    public void BroadcastToAnImpossibleShapeNamesIt()
    {
        var e = Assert.Throws<ShapeException>(() => BroadcastTo(Zeros(3), 2, 4));
        Assert.Contains("(3,)", e.Message);
        Assert.Contains("(2, 4)", e.Message);
    }

    [Fact]
    public void IndexOutOfRangeNamesTheAxis()
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => Zeros(2, 3)[.., 3]);
        Assert.Contains("axis 1", e.Message);
        Assert.Throws<IndexOutOfRangeException>(() => Zeros(2)[0, 0]);
    }

    [Fact]
    public void ArgnumsOutOfRangeIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Grad((Tensor a, Tensor b) => a * b, argnums: 2));
        Assert.Contains("argnums 2", e.Message);
        Assert.Contains("2 arguments", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Grad((Tensor a, Tensor b, Tensor c) => a, argnums: (0, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => JacFwd((Tensor a, Tensor b) => a, argnums: -3));
        Assert.Throws<ArgumentOutOfRangeException>(() => JacRev((Tensor a, Tensor b, Tensor c, Tensor d) => a, argnums: 4));
        var twice = Assert.Throws<ArgumentException>(() => Grad((Tensor a, Tensor b) => a * b, argnums: (1, 1)));
        Assert.Contains("twice", twice.Message);
    }

    [Fact]
    public void GradOfANonScalarFunctionSaysSo()
    {
        var e = Assert.Throws<ShapeException>(() => Grad(x => Sin(x))(Zeros(3)));
        Assert.Contains("scalar", e.Message);
        Assert.Contains("(3,)", e.Message);
        Assert.Throws<ShapeException>(() => ValueAndGrad(x => x * Ones(2))(1.0));
    }

    [Fact]
    public void HasAuxFalseWithAPairReturningFunctionIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Grad((Tensor x) => (Sum(x), x), hasAux: false));
        Assert.Contains("hasAux", e.Message);
        Assert.Throws<ArgumentException>(() => JacFwd((Tensor x) => (x, 1), hasAux: false));
        Assert.Throws<ArgumentException>(() => ValueAndGrad((Tensor x, Tensor y) => (Sum(x), y), hasAux: false));
    }

    [Fact]
    public void AnEscapedTracerCannotBeUsedAfterItsTransformation()
    {
        Tensor? leaked = null;
        Grad(x => { leaked = x; return Sin(x); })(1.0);
        var e = Assert.Throws<InvalidOperationException>(() => Sin(leaked!) + 1);
        Assert.Contains("already finished", e.Message);
        Assert.Contains("sin", e.Message);
    }

    [Fact]
    public void JvpTangentWithTheWrongShapeIsRejected()
    {
        var e = Assert.Throws<ShapeException>(() => Jvp(Sin, Zeros(3), Zeros(2)));
        Assert.Contains("(2,)", e.Message);
        Assert.Contains("(3,)", e.Message);
    }

    [Fact]
    public void VjpCotangentWithTheWrongShapeIsRejected()
    {
        var (_, pullback) = Vjp(Sin, Zeros(3));
        var e = Assert.Throws<ShapeException>(() => pullback(Zeros(2)));
        Assert.Contains("(2,)", e.Message);
        Assert.Contains("(3,)", e.Message);
    }

    [Fact]
    public void CheckGradsCatchesADerivativeThatIgnoresADependence()
    {
        // Reading the values (ToArray) turns the second factor into a constant, so AD sees x·c with
        // derivative c while the function is x²: a deliberately wrong derivative (x instead of 2x).
        Tensor Broken(Tensor x) => x * Array(x.ToArray());
        var x = Array(1.0, 2.0);
        var e = Assert.Throws<GradientCheckException>(() => CheckGrads(Broken, x, order: 1, modes: ["fwd"]));
        Assert.Contains("JVP of f", e.Message);
        Assert.Contains("disagrees with finite differences", e.Message);
        var r = Assert.Throws<GradientCheckException>(() => CheckGrads(Broken, x, order: 1, modes: ["rev"]));
        Assert.Contains("VJP of f", r.Message);
    }

    [Fact]
    public void CheckGradsReportsAKinkItCannotHonour()
    {
        // At x = 0, Where(x > 0, x, 0) follows JAX: derivative 0 (the unselected branch). Central
        // differences see the average slope ½: CheckGrads must say they disagree.
        var e = Assert.Throws<GradientCheckException>(() => CheckGrads(x => Where(x > 0, x, 0.0), Zeros(3), order: 1));
        Assert.Contains("AD 0", e.Message);
    }

    [Fact]
    public void CheckGradsCatchesAWrongSecondDerivative()
    {
        // With c = the values of x (a constant to AD), f = Σ x·c − Σ c²/2 equals Σ x²/2. AD's first
        // derivative c = x is right; its second derivative is 0, but the true one is 1.
        static Tensor Broken(Tensor x)
        {
            var c = Array(x.ToArray());
            return Sum(x * c) - Sum(c * c) / 2;
        }
        var x = Array(0.5, -1.5);
        CheckGrads(Broken, x, order: 1);
        var e = Assert.Throws<GradientCheckException>(() => CheckGrads(Broken, x, order: 2));
        Assert.Contains("of JVP of f", e.Message);
    }

    [Fact]
    public void CheckGradsRejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckGrads(Sin, Zeros(2), order: 0));
        var e = Assert.Throws<ArgumentException>(() => CheckGrads(Sin, Zeros(2), order: 1, modes: ["sideways"]));
        Assert.Contains("sideways", e.Message);
    }
}
