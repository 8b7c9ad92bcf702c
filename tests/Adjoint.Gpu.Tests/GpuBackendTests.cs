using Adjoint;
using Adjoint.Gpu;
using Course;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Gpu.Tests;

/// <summary>One CPU-accelerator backend for all tests of a class (creating one compiles the kernels).</summary>
public sealed class CpuBackendFixture : IDisposable
{
    public GpuBackend Gpu { get; } = new(GpuDevice.Cpu);
    public void Dispose() => Gpu.Dispose();
}

/// <summary>
/// The device path, run on ILGPU's CPU accelerator (CI has no GPU): every result must equal the CPU
/// <c>Ad.Jit</c> result to 1e-12 relative. Sizes are small: the CPU accelerator is slow to start.
/// </summary>
public sealed class GpuBackendTests(CpuBackendFixture fixture) : IClassFixture<CpuBackendFixture>
{
    private readonly GpuBackend gpu = fixture.Gpu;

    /// <summary>max |a − b| / max(|b|, tiny) over the elements, the relative difference of two results.</summary>
    private static void Close(Tensor expected, Tensor actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double[] e = expected.ToArray(), a = actual.ToArray();
        double scale = e.Select(Math.Abs).DefaultIfEmpty(0).Max();
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i])) { Assert.True(double.IsNaN(a[i]), $"element {i}: expected NaN, got {a[i]}"); continue; }
            double error = Math.Abs(e[i] - a[i]) / Math.Max(Math.Max(Math.Abs(e[i]), 1e-3 * scale), 1e-300);
            Assert.True(error <= tolerance, $"element {i}: expected {e[i]:R}, got {a[i]:R} (relative difference {error:G3})");
        }
    }

    [Fact]
    public void GaussianHessianEqualsCpuJit()
    {
        var likelihood = new GaussLikelihood(GaussModel.Simulate(40));
        var p = Array(0.1, -0.05, 0.9, 0.55, 0.1, 0.05);
        var expected = Jit(Hessian(likelihood.Nll))(p);
        var h = gpu.Jit(Hessian(likelihood.Nll));
        Close(expected, h(p));
        Close(expected, h(p)); // second call: constants already on the device
        Close(Jit(likelihood.Nll)(p), gpu.Jit(likelihood.Nll)(p));
        Close(Jit(Grad(likelihood.Nll))(p), gpu.Jit(Grad(likelihood.Nll))(p));
    }

    [Fact]
    public void ResultsAreIdenticalRunToRun()
    {
        var likelihood = new GaussLikelihood(GaussModel.Simulate(30));
        var h = gpu.Jit(Hessian(likelihood.Nll));
        var p = Array(0.1, -0.05, 0.9, 0.55, 0.1, 0.05);
        Assert.Equal(h(p).ToArray(), h(p).ToArray());
    }

    [Fact]
    public void ToyHessianEqualsCpuJit()
    {
        static Tensor F(Tensor x) => Sum(Pow(x, 2) - Pow(x, 3) - x);
        var x = Uniform([50], seed: 1);
        Close(Jit(Hessian(F))(x), gpu.Jit(Hessian(F))(x));
        Close(Jit(JacFwd(JacRev(F)))(x), gpu.Jit(JacFwd(JacRev(F)))(x));
        Close(Jit(JacRev(JacRev(F)))(x), gpu.Jit(JacRev(JacRev(F)))(x));
        Close(Jit(Grad(F))(x), gpu.Jit(Grad(F))(x));
    }

    public static TheoryData<string> ElementWise => [.. Functions.Keys];

    /// <summary>Every element-wise primitive, as f(x) = Σ prim(x, c) over inputs where it is smooth.</summary>
    private static readonly Dictionary<string, Func<Tensor, Tensor>> Functions = new()
    {
        ["neg"] = x => -x,
        ["exp"] = Exp,
        ["log"] = x => Log(x + 1.5),
        ["sin"] = Sin,
        ["cos"] = Cos,
        ["tan"] = Tan,
        ["tanh"] = Tanh,
        ["sqrt"] = x => Sqrt(x + 1.5),
        ["abs"] = x => Abs(x) * x,
        ["sign"] = x => Sign(x) * x * x,
        ["integer_pow"] = x => Pow(x, 3),
        ["log1p"] = x => Log1p(x * 0.5),
        ["expm1"] = Expm1,
        ["log2"] = x => Log2(x + 1.5),
        ["log10"] = x => Log10(x + 1.5),
        ["exp2"] = Exp2,
        ["sinh"] = Sinh,
        ["cosh"] = Cosh,
        ["asin"] = x => Arcsin(x * 0.9),
        ["acos"] = x => Arccos(x * 0.9),
        ["atan"] = Arctan,
        ["asinh"] = Arcsinh,
        ["acosh"] = x => Arccosh(x + 2),
        ["atanh"] = x => Arctanh(x * 0.9),
        ["erf"] = x => Erf(2 * x),
        ["cbrt"] = x => Cbrt(x + 1.5),
        ["logistic"] = Sigmoid,
        ["softplus"] = Softplus,
        ["floor"] = x => Floor(3 * x) * x,
        ["ceil"] = x => Ceil(3 * x) * x,
        ["round"] = x => Round(3 * x) * x,
        ["pow_const"] = x => Pow(x + 1.5, 2.5),
        ["add"] = x => x + Sin(x),
        ["sub"] = x => x - Cos(x),
        ["mul"] = x => x * Sin(x),
        ["div"] = x => Sin(x) / (x + 2),
        ["pow"] = x => Pow(x + 1.5, Cos(x)),
        ["max"] = x => Maximum(x, Sin(2 * x)),
        ["min"] = x => Minimum(x, Sin(2 * x)),
        ["hypot"] = x => Hypot(x, Cos(x)),
        ["atan2"] = x => Arctan2(x, Cos(x) + 2),
        ["lt"] = x => Less(x, 0.1) * x * x,
        ["le"] = x => LessEqual(x, 0.1) * x * x,
        ["gt"] = x => Greater(x, 0.1) * x * x,
        ["ge"] = x => GreaterEqual(x, 0.1) * x * x,
        ["eq"] = x => Equal(x, 0.5) + x * x,
        ["ne"] = x => NotEqual(x, 0.5) * x * x,
        ["select"] = x => Where(Greater(x, 0), Sin(x), x * x),
        ["broadcast"] = x => Reshape(x, 4, 3) * Array(1.0, 2.0, 3.0),
        ["transpose"] = x => Transpose(Reshape(x, 4, 3)) * Reshape(Arange(12), 3, 4),
        ["slice"] = x => Sin(x[1..9]),
        ["concatenate"] = x => Concatenate([Sin(x), Cos(x)]) * Arange(24),
        ["rev"] = x => Flip(Reshape(Sin(x), 4, 3), 0) * Reshape(x, 4, 3),
        ["stop_gradient"] = x => StopGradient(x * x) * x,
        ["reverse slice"] = x => Slice(Sin(x), 0, step: -2) * x[..6],
        ["reduce_max"] = x => Max(Reshape(Sin(x), 4, 3), axis: 1),
    };

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void ElementWisePrimitivesAndDerivativesEqualCpuJit(string name)
    {
        var f = Functions[name];
        Tensor F(Tensor x) => Sum(f(x));
        var x = Uniform([12], seed: 3, low: -1, high: 1);
        Close(Jit(f)(x), gpu.Jit(f)(x));
        Close(Jit(F)(x), gpu.Jit(F)(x));
        Close(Jit(Grad(F))(x), gpu.Jit(Grad(F))(x));
        Close(Jit(Hessian(F))(x), gpu.Jit(Hessian(F))(x));
    }

    [Fact]
    public void PerPixelOutputsAndTwoArguments()
    {
        var x = Uniform([5, 7], seed: 2);
        var y = Uniform([7], seed: 4);
        Func<Tensor, Tensor, Tensor> f = (a, b) => Sin(a) * b + Exp(-a * a);
        Func<Tensor, Tensor, Tensor> g = (a, b) => Sum(f(a, b));
        Close(Jit(f)(x, y), gpu.Jit(f)(x, y));
        Close(Jit(Grad(g, argnums: 1))(x, y), gpu.Jit(Grad(g, argnums: 1))(x, y));
    }

    [Fact]
    public void ASumOverThePixelsShapedLikeThePixelsIsNotPerPixel()
    {
        // JacFwd of a sum over 3 elements: 3 tangent lanes summed over 3 "pixels" give shape (3,), the pixels' own
        // shape. The differential test (seed 7, program 275) found the backend reading it back as one number.
        static Tensor F(Tensor x) => Sum(Arctan(x));
        var x = Array(-1.357, 0.56, -0.094);
        Close(Jit(JacFwd(F))(x), gpu.Jit(JacFwd(F))(x));
        Assert.Equal("pixels (3)", Adjoint.Execution.PixelProgram.Plan(MakeGraph(JacFwd(F))(x).Simplify()).ToString().Split('\n')[0].Replace(",", ""));
    }

    [Fact]
    public void WorkAfterASumShapedLikeThePixelsRunsAfterThePixels()
    {
        // As above, and the summed lanes are then used (multiplied by the function's value): the plan knows that they
        // come from a sum over the pixels, so they run after the pixels, and the 3 pixels stay pixels (this graph was
        // planned as one "pixel" holding everything while a value's shape alone said whether it was per pixel).
        static Tensor F(Tensor x) => Exp(Sum(Arctan(x)));
        var x = Array(-1.357, 0.56, -0.094);
        Close(JacFwd(F)(x), gpu.Jit(JacFwd(F))(x));
        Assert.Equal("pixels (3)", Adjoint.Execution.PixelProgram.Plan(MakeGraph(JacFwd(F))(x).Simplify()).ToString().Split('\n')[0].Replace(",", ""));
    }

    [Fact]
    public void MatrixProductsOverPixelsAreNotSupported()
    {
        var a = Uniform([4, 4], seed: 2);
        var e = Assert.Throws<NotSupportedException>(() => gpu.Jit(x => Sum(MatMul(x, x)))(a));
        Assert.Contains("dot_general", e.Message);
    }

    [Fact]
    public void PaddingOneElementIntoManyReadsNoOperandItDoesNotHave()
    {
        // The gradient of one element of a reshaped input pads 1 element into 6: the zeroing instruction has no operand,
        // and the interpreter used to read operand maps for it anyway, past the end of the maps (ILGPU's CPU accelerator
        // stopped the process; CUDA would read out of bounds). Found by the differential test, seed 11, program 134.
        static Tensor F(Tensor x) => 2 * Log(1 + x.Reshape(6)[4]);
        var x = Array(new double[,] { { 0.5, 0.15, -0.44 }, { 1.39, 0.28, 0.45 } });
        Close(Jit(Grad(F))(x), gpu.Jit(Grad(F))(x));
    }
}

/// <summary>Device choice, lifetimes and errors.</summary>
public sealed class GpuBackendLifetimeTests
{
    [Fact]
    public void DescribesTheDevice()
    {
        using var gpu = new GpuBackend(GpuDevice.Cpu);
        Assert.False(gpu.IsCuda);
        Assert.Contains("ILGPU CPU accelerator", gpu.Description);
        Assert.False(string.IsNullOrEmpty(gpu.Device));

        using var auto = new GpuBackend();
        Assert.True(auto.IsCuda || auto.Description.StartsWith("no CUDA device"), auto.Description);
        Assert.Contains(auto.IsCuda ? "CUDA device" : "using ILGPU CPU accelerator", auto.Description);
        if (!auto.IsCuda)
            Assert.Contains("no CUDA device", Assert.Throws<InvalidOperationException>(() => new GpuBackend(GpuDevice.Cuda)).Message);
    }

    [Fact]
    public void GraphsWithoutLargeReductionsRunAsOnePixel()
    {
        // A slice of the input and a sum over the slice: no pixel axes fit every equation, so the whole
        // program runs as one "pixel" (correct, one thread).
        using var gpu = new GpuBackend(GpuDevice.Cpu);
        static Tensor F(Tensor x) => Sum(Sin(x[1..9]) * x[0..8]);
        var x = Uniform([12], seed: 5);
        var expected = Jit(Hessian(F))(x).ToArray();
        var actual = gpu.Jit(Hessian(F))(x).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-12);
    }

    [Fact]
    public void CallingAfterDisposeIsAClearError()
    {
        var gpu = new GpuBackend(GpuDevice.Cpu);
        var f = gpu.Jit(x => Sum(Sin(x)));
        var x = Array(1.0, 2.0, 3.0);
        Assert.Equal(Math.Sin(1) + Math.Sin(2) + Math.Sin(3), f(x).Item, 12);
        gpu.Dispose();
        gpu.Dispose(); // twice is fine
        var e = Assert.Throws<ObjectDisposedException>(() => f(x));
        Assert.Contains("disposed", e.Message);
        Assert.Throws<ObjectDisposedException>(() => gpu.Jit(x => Sum(Cos(x)))(x));
    }

    [Fact]
    public void OutOfDeviceMemoryNamesTheSizes()
    {
        using var gpu = new GpuBackend(GpuDevice.Cpu) { MemoryLimit = 50_000 };
        var image = Uniform([100, 100], seed: 1);
        var e = Assert.Throws<InsufficientMemoryException>(() => gpu.Jit(p => Sum(Pow(image - p, 2)))(Array(0.5)));
        Assert.Contains("MB of device memory", e.Message);
        Assert.Contains("10,000 pixels", e.Message);
    }
}
