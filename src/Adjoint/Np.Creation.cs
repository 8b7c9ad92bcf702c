namespace Adjoint;

public static partial class Np
{
    /// <summary>A 1-D array of the given values.</summary>
    public static Tensor Array(params double[] values) => new([values.Length], (double[])values.Clone());

    /// <summary>A 2-D array from a C# matrix.</summary>
    public static Tensor Array(double[,] values)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var data = new double[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                data[i * cols + j] = values[i, j];
        return new([rows, cols], data);
    }

    /// <summary>A 3-D array from a C# array.</summary>
    public static Tensor Array(double[,,] values)
    {
        int[] shape = [values.GetLength(0), values.GetLength(1), values.GetLength(2)];
        var data = new double[values.Length];
        int k = 0;
        foreach (double v in values) data[k++] = v;
        return new(shape, data);
    }

    /// <summary>An array of the given shape filled from row-major values.</summary>
    public static Tensor Array(double[] values, params int[] shape) => new((int[])shape.Clone(), (double[])values.Clone());

    public static Tensor Zeros(params int[] shape) => Full(shape, 0.0);
    public static Tensor Ones(params int[] shape) => Full(shape, 1.0);
    public static Tensor ZerosLike(Tensor x) => Zeros(x.shape);
    public static Tensor OnesLike(Tensor x) => Ones(x.shape);

    public static Tensor Full(int[] shape, double value)
    {
        if (shape.Any(d => d < 0)) throw new ShapeException($"Negative dimension in shape {Shapes.Format(shape)}.");
        var data = Kernels.NewArray(Shapes.Size(shape));
        data.AsSpan().Fill(value);
        return new((int[])shape.Clone(), data);
    }

    /// <summary>The n×n identity matrix.</summary>
    public static Tensor Eye(int n)
    {
        if (n < 0) throw new ShapeException($"Eye: negative size {n}.");
        var data = new double[Shapes.Size([n, n])];
        for (int i = 0; i < n; i++) data[i * n + i] = 1;
        return new([n, n], data);
    }

    /// <summary>0, 1, …, stop − 1.</summary>
    public static Tensor Arange(int stop) => Arange(0, stop, 1);

    /// <summary>start, start + step, … while below stop (above it for a negative step), as numpy's arange.</summary>
    public static Tensor Arange(double start, double stop, double step = 1)
    {
        if (step == 0) throw new ArgumentOutOfRangeException(nameof(step), "arange: step must not be zero.");
        int n = Math.Max(0, (int)Math.Ceiling((stop - start) / step));
        var data = new double[n];
        for (int i = 0; i < n; i++) data[i] = start + i * step;
        return new([n], data);
    }

    /// <summary><paramref name="num"/> evenly spaced values from start to stop (inclusive when <paramref name="endpoint"/>).</summary>
    public static Tensor Linspace(double start, double stop, int num = 50, bool endpoint = true)
    {
        if (num < 0) throw new ArgumentOutOfRangeException(nameof(num), "linspace: num must be non-negative.");
        var data = new double[num];
        int div = endpoint ? num - 1 : num;
        double step = div > 0 ? (stop - start) / div : 0;
        for (int i = 0; i < num; i++) data[i] = start + i * step;
        if (endpoint && num > 1) data[^1] = stop;
        return new([num], data);
    }

    /// <summary>
    /// Coordinate matrices from two coordinate vectors, numpy's default 'xy' indexing: both results
    /// have shape (len(y), len(x)); X varies along columns, Y along rows.
    /// </summary>
    public static (Tensor X, Tensor Y) Meshgrid(Tensor x, Tensor y)
    {
        if (x.Rank != 1 || y.Rank != 1)
            throw new ShapeException($"meshgrid: expected two 1-D arrays, got shapes {Shapes.Format(x.shape)} and {Shapes.Format(y.shape)}.");
        int[] shape = [y.shape[0], x.shape[0]];
        return (BroadcastTo(Reshape(x, 1, x.shape[0]), shape), BroadcastTo(Reshape(y, y.shape[0], 1), shape));
    }

    /// <summary>
    /// numpy's <c>mgrid[a:b:num j, c:d:num j, …]</c>: a dense grid of shape (k, n₁, …, n_k) whose
    /// i-th slice holds the i-th coordinate ('ij' indexing, end points included).
    /// </summary>
    public static Tensor Mgrid(params (double Start, double Stop, int Num)[] axes)
    {
        int[] shape = axes.Select(a => a.Num).ToArray();
        var coordinates = axes.Select((a, i) =>
        {
            var axisShape = Enumerable.Repeat(1, axes.Length).ToArray();
            axisShape[i] = a.Num;
            return BroadcastTo(Reshape(Linspace(a.Start, a.Stop, a.Num), axisShape), shape);
        });
        return Stack(coordinates, 0);
    }

    /// <summary>
    /// Uniform random values in [low, high) from <c>System.Random(seed)</c>: value k is
    /// low + (high − low)·NextDouble() in row-major order, so the same seed gives the same array.
    /// </summary>
    public static Tensor Uniform(int[] shape, int seed = 0, double low = 0, double high = 1)
    {
        var random = new Random(seed);
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = low + (high - low) * random.NextDouble();
        return new((int[])shape.Clone(), data);
    }

    /// <summary>
    /// Normal random values from <c>System.Random(seed)</c> by the Box–Muller transform: for each pair,
    /// u₁ = 1 − NextDouble(), u₂ = NextDouble(), z₀ = √(−2 ln u₁)·cos(2π u₂), z₁ = √(−2 ln u₁)·sin(2π u₂);
    /// values are mean + std·z in row-major order.
    /// </summary>
    public static Tensor Normal(int[] shape, int seed = 0, double mean = 0, double std = 1)
    {
        var random = new Random(seed);
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i += 2)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            double radius = Math.Sqrt(-2 * Math.Log(u1)), angle = 2 * Math.PI * u2;
            data[i] = mean + std * radius * Math.Cos(angle);
            if (i + 1 < data.Length) data[i + 1] = mean + std * radius * Math.Sin(angle);
        }
        return new((int[])shape.Clone(), data);
    }
}
