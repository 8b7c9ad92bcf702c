using Adjoint;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>Creation, broadcasting, indexing and reductions, with expected values as numpy gives them.</summary>
public class TensorTests
{
    private static void Is(double[] expected, int[] shape, Tensor actual)
    {
        Assert.Equal(shape, actual.Shape);
        Assert.Equal(expected, actual.ToArray());
    }

    // ------------------------------------------------------------------ creation

    [Fact]
    public void ArrayFromValuesAndFromAMatrix()
    {
        Is([1, 2, 3], [3], Array(1.0, 2.0, 3.0));
        var m = Array(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Is([1, 2, 3, 4, 5, 6], [2, 3], m);
        Assert.Equal(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, m.ToArray2D());
        Is([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], Array(new double[,,] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } }));
        Is([1, 2, 3, 4], [2, 2], Array([1.0, 2, 3, 4], 2, 2));
    }

    [Fact]
    public void ArrayCopiesItsInput()
    {
        var values = new[] { 1.0, 2.0 };
        var t = Array(values);
        values[0] = 99;
        t.ToArray()[1] = 99;
        Assert.Equal([1.0, 2.0], t.ToArray());
    }

    [Fact]
    public void ZerosOnesFullEye()
    {
        Is([0, 0, 0, 0, 0, 0], [2, 3], Zeros(2, 3));
        Is([1, 1, 1], [3], Ones(3));
        Is([7, 7, 7, 7], [2, 2], Full([2, 2], 7));
        Is([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3], Eye(3));
        Is([0], [], Zeros());
    }

    [Fact]
    public void ArangeFollowsNumpy()
    {
        Is([0, 1, 2, 3, 4], [5], Arange(5));
        Is([1, 1.25, 1.5, 1.75], [4], Arange(1, 2, 0.25));   // np.arange(1, 2, 0.25): stop excluded
        Is([5, 3, 1], [3], Arange(5, 0, -2));                 // np.arange(5, 0, -2)
        Is([], [0], Arange(3, 1));
    }

    [Fact]
    public void LinspaceFollowsNumpy()
    {
        Is([0, 0.25, 0.5, 0.75, 1], [5], Linspace(0, 1, 5));
        Is([0, 0.25, 0.5, 0.75], [4], Linspace(0, 1, 4, endpoint: false));
        Is([-2, 2], [2], Linspace(-2, 2, 2));
        Is([3], [1], Linspace(3, 7, 1));
        Assert.Equal(50, Linspace(0, 1).Size);
    }

    [Fact]
    public void MeshgridUsesXyIndexing()
    {
        // np.meshgrid([1, 2, 3], [4, 5])
        var (x, y) = Meshgrid(Array(1.0, 2.0, 3.0), Array(4.0, 5.0));
        Is([1, 2, 3, 1, 2, 3], [2, 3], x);
        Is([4, 4, 4, 5, 5, 5], [2, 3], y);
    }

    [Fact]
    public void MgridUsesIjIndexingWithEndpoints()
    {
        // np.mgrid[0:1:3j, 0:2:2j]
        var g = Mgrid((0, 1, 3), (0, 2, 2));
        Is([0, 0, 0.5, 0.5, 1, 1, 0, 2, 0, 2, 0, 2], [2, 3, 2], g);
    }

    [Fact]
    public void UniformIsReproducibleBySeedAndInRange()
    {
        var a = Uniform([100], seed: 7, low: -2, high: 3);
        Assert.Equal(a.ToArray(), Uniform([100], seed: 7, low: -2, high: 3).ToArray());
        Assert.NotEqual(a.ToArray(), Uniform([100], seed: 8, low: -2, high: 3).ToArray());
        Assert.All(a.ToArray(), v => Assert.InRange(v, -2, 3));
        // Documented as low + (high − low)·NextDouble() from System.Random(seed).
        var random = new Random(7);
        Assert.Equal(-2 + 5 * random.NextDouble(), a.ToArray()[0]);
    }

    [Fact]
    public void NormalIsReproducibleBySeedWithTheRequestedMoments()
    {
        var a = Normal([20001], seed: 3, mean: 1.5, std: 0.5);
        Assert.Equal(a.ToArray(), Normal([20001], seed: 3, mean: 1.5, std: 0.5).ToArray());
        Assert.NotEqual(a.ToArray(), Normal([20001], seed: 4, mean: 1.5, std: 0.5).ToArray());
        // 20001 draws: the sample mean is within 4 standard errors (0.5/√20001 ≈ 0.0035) of 1.5.
        Assert.InRange(Mean(a).Item, 1.5 - 0.014, 1.5 + 0.014);
        Assert.InRange(Math.Sqrt(Mean(Pow(a - Mean(a), 2)).Item), 0.49, 0.51);
        Assert.Equal([2, 3], Normal([2, 3]).Shape);
    }

    [Fact]
    public void ShapeRankSizeAndItem()
    {
        var t = Zeros(2, 3, 4);
        Assert.Equal([2, 3, 4], t.Shape);
        Assert.Equal(3, t.Rank);
        Assert.Equal(24, t.Size);
        t.Shape[0] = 99;
        Assert.Equal([2, 3, 4], t.Shape); // Shape is a copy
        Assert.Equal(2.5, ((Tensor)2.5).Item);
        Assert.Equal(4.0, Full([1, 1], 4).Item);
        Assert.Empty(((Tensor)2.5).Shape);
    }

    // ------------------------------------------------------------------ element-wise and broadcasting

    [Fact]
    public void BroadcastingColumnWithRow()
    {
        // np.array([[1.], [2.], [3.]]) + np.array([10., 20., 30., 40.])
        var sum = Array(1.0, 2.0, 3.0).Reshape(3, 1) + Array(10.0, 20.0, 30.0, 40.0);
        Is([11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43], [3, 4], sum);
    }

    [Fact]
    public void BroadcastingScalarsAndDoubles()
    {
        var m = Array(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Is([2, 4, 6, 8, 10, 12], [2, 3], 2 * m);
        Is([0, 1, 2, 3, 4, 5], [2, 3], m - 1);
        Is([5, 4, 3, 2, 1, 0], [2, 3], 6 - m);
        Is([6, 3, 2, 1.5, 1.2, 1], [2, 3], 6 / m);
        Is([-1, -2, -3, -4, -5, -6], [2, 3], -m);
        Is([1, 4, 9, 16, 25, 36], [2, 3], m * m);
        Is([11, 22, 33, 14, 25, 36], [2, 3], m + Array(10.0, 20.0, 30.0));
        Is([2, 3, 4, 6, 7, 8], [2, 3], m + Array(1.0, 2.0).Reshape(2, 1));
    }

    [Fact]
    public void BroadcastingAddsLeadingAxesAndStretchesSizeOne()
    {
        var a = Ones(2, 1, 3);
        var b = Arange(4).Reshape(4, 1);
        var c = a * b;
        Assert.Equal([2, 4, 3], c.Shape);
        Is([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3], [4, 3], c[1]);
        Is([0, 1, 2, 0, 1, 2], [2, 3], BroadcastTo(Arange(3), 2, 3));
    }

    [Fact]
    public void ElementWiseFunctionsMatchMath()
    {
        var x = Array(0.5, 1.0, 2.0);
        foreach (var (f, g) in new (Func<Tensor, Tensor>, Func<double, double>)[]
                 { (Exp, Math.Exp), (Log, Math.Log), (Sin, Math.Sin), (Cos, Math.Cos), (Tan, Math.Tan), (Tanh, Math.Tanh), (Sqrt, Math.Sqrt) })
        {
            var actual = f(x).ToArray();
            for (int i = 0; i < 3; i++) Assert.Equal(g(x.ToArray()[i]), actual[i], 1e-15);
        }
        Is([8, 1, 0.25], [3], Pow(Array(2.0, 1.0, 0.5), 3) * Array(1.0, 1.0, 2.0));
        Is([8, 9, 0.5], [3], Pow(Array(2.0, 3.0, 0.25), Array(3.0, 2.0, 0.5)));
        Is([2, 0, 3], [3], Abs(Array(-2.0, 0.0, 3.0)));
        Is([-1, 0, 1], [3], Sign(Array(-2.0, 0.0, 3.0)));
        Is([5, 13], [2], Hypot(Array(3.0, 5.0), Array(4.0, -12.0)));
        Is([3, 2, 5], [3], Maximum(Array(1.0, 2.0, 5.0), Array(3.0, 2.0, 0.0)));
        Is([1, 2, 0], [3], Minimum(Array(1.0, 2.0, 5.0), Array(3.0, 2.0, 0.0)));
        Is([4], [1], Square(Array(-2.0)));
    }

    [Fact]
    public void ComparisonsGiveOneAndZero()
    {
        var a = Array(1.0, 2.0, 3.0);
        var b = Array(2.0, 2.0, 2.0);
        Is([1, 0, 0], [3], a < b);
        Is([1, 1, 0], [3], a <= b);
        Is([0, 0, 1], [3], a > b);
        Is([0, 1, 1], [3], a >= b);
        Is([0, 1, 0], [3], Equal(a, b));
        Is([1, 0, 1], [3], NotEqual(a, b));
        Is([0, 1, 1], [3], GreaterEqual(a, 2.0));
    }

    [Fact]
    public void WhereSelectsAndBroadcasts()
    {
        var x = Array(-1.0, 0.0, 2.0);
        Is([0, 0, 2], [3], Where(x > 0, x, 0.0));
        // np.where([[True], [False]], [1., 2., 3.], -1.)
        Is([1, 2, 3, -1, -1, -1], [2, 3], Where(Array(1.0, 0.0).Reshape(2, 1), Array(1.0, 2.0, 3.0), -1.0));
    }

    // ------------------------------------------------------------------ indexing (numpy semantics)

    [Fact]
    public void IndexingVectors()
    {
        var x = Arange(10);
        Is([1, 2], [2], x[1..3]);          // x[1:3]
        Is([9], [], x[^1]);                 // x[-1]
        Is([8], [], x[-2]);                 // x[-2]
        Is([7, 8, 9], [3], x[^3..]);        // x[-3:]
        Is([0, 1, 2, 3, 4, 5, 6, 7, 8], [9], x[..^1]); // x[:-1]
        Is([5, 6, 7, 8, 9], [5], x[5..100]); // x[5:100]: clamped as in Python
        Is([], [0], x[4..2]);               // x[4:2]: empty
        Is([1, 4, 7], [3], Slice(x, 0, 1, 8, 3)); // x[1:8:3]
        Is([0, 2, 4, 6, 8], [5], Slice(x, 0, 0, 10, 2)); // x[::2]
        Is([7, 8, 9], [3], Slice(x, 0, -3, 10));      // x[-3:10]: negative bounds count from the end
        Is([2, 5], [2], Slice(x, 0, 2, -4, 3));       // x[2:-4:3]
        Is([0, 1], [2], Slice(x, 0, -100, 2));        // x[-100:2]: clamped
    }

    [Fact]
    public void IndexingMatricesAndHigherRanks()
    {
        var a = Arange(12).Reshape(3, 4);
        Is([0, 4, 8], [3], a[.., 0]);       // a[:, 0]
        Is([4, 5, 6, 7], [4], a[1]);        // a[1]
        Is([6], [], a[1, 2]);               // a[1, 2]
        Is([4, 5, 8, 9], [2, 2], a[1.., ..2]); // a[1:, :2]
        Is([3, 7, 11], [3], a[.., ^1]);      // a[:, -1]
        Is([1, 3, 5, 7, 9, 11], [3, 2], Slice(a, 1, 1, 4, 2)); // a[:, 1::2]
        var t = Arange(24).Reshape(2, 3, 4);
        Is([0, 4, 8, 12, 16, 20], [2, 3], t[.., .., 0]);   // t[:, :, 0]
        Is([13, 17, 21], [3], t[1, .., 1]);               // t[1, :, 1]
        Is([16, 17, 18, 19, 20, 21, 22, 23], [2, 4], t[1, 1..]); // t[1, 1:]
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 3, 5)]
    [InlineData(1, 4, 4)]
    [InlineData(1, 7, 9)]
    [InlineData(1, 33, 65)]
    [InlineData(1, 200, 200)]
    [InlineData(3, 6, 10)]
    [InlineData(2, 64, 3)]
    public void SwappingTheLastTwoAxesMovesEveryElement(int stack, int rows, int cols)
    {
        // Tiles, 4×4 shuffled blocks and the leftovers at every edge: each element lands where the definition puts it.
        var x = Arange(stack * rows * cols).Reshape(stack, rows, cols);
        var t = Transpose(x, 0, 2, 1);
        Assert.Equal([stack, cols, rows], t.Shape);
        for (int m = 0; m < stack; m++)
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    Assert.Equal((m * rows + i) * cols + j, t.Data[(m * cols + j) * rows + i]);
    }

    [Fact]
    public void TransposeReshapeMoveaxisStackConcatenate()
    {
        var a = Arange(6).Reshape(2, 3);
        Is([0, 3, 1, 4, 2, 5], [3, 2], a.T);
        Is([0, 3, 1, 4, 2, 5], [3, 2], Transpose(a));
        Is([0, 1, 2, 3, 4, 5], [3, 2], a.Reshape(3, 2));
        Is([0, 1, 2, 3, 4, 5], [6], a.Reshape(-1));
        var t = Arange(24).Reshape(2, 3, 4);
        Assert.Equal([3, 4, 2], Moveaxis(t, 0, -1).Shape);      // np.moveaxis(t, 0, -1)
        Assert.Equal([4, 2, 3], Moveaxis(t, -1, 0).Shape);
        Assert.Equal(t[1, 2, 3].Item, Moveaxis(t, 0, -1)[2, 3, 1].Item);
        Assert.Equal([4, 2, 3], Transpose(t, 2, 0, 1).Shape);
        Assert.Equal(t[1, 2, 3].Item, Transpose(t, 2, 0, 1)[3, 1, 2].Item);
        Is([0, 1, 2, 3, 4, 5], [2, 1, 3], ExpandDims(a, 1));
        Is([0, 1, 2, 3, 4, 5], [2, 3, 1], ExpandDims(a, -1));
        var b = Array(10.0, 20.0, 30.0);
        var c = Array(1.0, 2.0, 3.0);
        Is([10, 20, 30, 1, 2, 3], [2, 3], Stack(b, c));          // np.stack([b, c])
        Is([10, 1, 20, 2, 30, 3], [3, 2], Stack([b, c], 1));     // np.stack([b, c], axis=1)
        Is([10, 20, 30, 1, 2, 3], [6], Concatenate([b, c]));
        Is([0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5], [2, 6], Concatenate([a, a], 1));
        Is([0, 1, 2, 3, 4, 5, 10, 20, 30], [3, 3], Concatenate([a, b.Reshape(1, 3)], 0));
    }

    // ------------------------------------------------------------------ reductions and products

    [Fact]
    public void SumMeanMaxOverAxes()
    {
        var t = Arange(24).Reshape(2, 3, 4);
        Is([276], [], Sum(t));
        Is([276], [], t.Sum());
        Is([12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34], [3, 4], Sum(t, 0));
        Is([6, 22, 38, 54, 70, 86], [2, 3], Sum(t, -1));
        Is([60, 66, 72, 78], [4], Sum(t, [0, 1]));
        Is([60, 66, 72, 78], [1, 1, 4], Sum(t, [0, 1], keepdims: true));
        Is([6, 22, 38, 54, 70, 86], [2, 3, 1], Sum(t, 2, keepdims: true));
        Is([11.5], [], Mean(t));
        Is([1.5, 5.5, 9.5, 13.5, 17.5, 21.5], [2, 3], Mean(t, 2));
        Is([10, 11, 12, 13], [1, 1, 4], Mean(t, [0, 1], keepdims: true));
        Is([23], [], Max(t));
        Is([3, 7, 11, 15, 19, 23], [2, 3], Max(t, -1));
        Is([20, 21, 22, 23], [4], Max(t, [0, 1]));
        Is([8, 9, 10, 11, 20, 21, 22, 23], [2, 1, 4], Max(t, 1, keepdims: true));
        Is([5, 3], [2], Max(Array(new double[,] { { -1, 5 }, { 3, -7 } }), 1));
    }

    [Fact]
    public void MatMulAndDotFollowNumpy()
    {
        var m = Array(new double[,] { { 1, 2 }, { 3, 4 } });
        var v = Array(5.0, 6.0);
        Is([17, 39], [2], MatMul(m, v));            // m @ v
        Is([23, 34], [2], MatMul(v, m));            // v @ m
        Is([61], [], MatMul(v, v));                 // v @ v
        Is([7, 10, 15, 22], [2, 2], MatMul(m, m));  // m @ m
        Is([17, 39], [2], Dot(m, v));
        Is([61], [], Dot(v, v));
        Is([10, 12], [2], Dot(2.0, v));
        var batch = Stack(m, 2 * m);                   // (2, 2, 2)
        Is([7, 10, 15, 22, 14, 20, 30, 44], [2, 2, 2], MatMul(batch, m));
        Is([17, 39, 34, 78], [2, 2], MatMul(batch, v));
        var wide = Arange(6).Reshape(2, 3);
        Is([5, 14, 14, 50], [2, 2], MatMul(wide, wide.T));
    }
}
