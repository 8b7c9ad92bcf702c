using Adjoint;

namespace Course;

/// <summary>
/// Tensor overloads of <see cref="Check.Close(double, double, double, string?)"/>: the exercises'
/// answers are tensors from the AD library, compared element by element (same tolerance rule) after
/// their shapes are compared, so a student sees "shape mismatch: expected shape [2, 2], got shape [2]"
/// rather than a wrong number.
/// </summary>
public static partial class Check
{
    /// <summary>Checks a tensor against the expected tensor (shape and every element).</summary>
    public static void Close(Tensor actual, Tensor expected, double tol = DefaultTolerance, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null) throw Fail(what, $"expected a tensor of {ShapeText(expected.Shape)}, got null");
        CloseFlat(actual.ToArray(), actual.Shape, expected.ToArray(), expected.Shape, tol, what);
    }

    /// <summary>Checks a scalar tensor (or any one-element tensor's value) against a number.</summary>
    public static void Close(Tensor actual, double expected, double tol = DefaultTolerance, string? what = null)
    {
        if (actual is null) throw Fail(what, $"expected the number {expected}, got null");
        if (actual.Size != 1) throw Fail(what, $"expected a single number ({expected}), got a tensor of {ShapeText(actual.Shape)}");
        CloseFlat([actual.ToArray()[0]], [], [expected], [], tol, what);
    }

    /// <summary>Checks a tensor against a vector written as a C# array: shape [n] and every element.</summary>
    public static void Close(Tensor actual, double[] expected, double tol = DefaultTolerance, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null) throw Fail(what, $"expected a tensor of shape [{expected.Length}], got null");
        CloseFlat(actual.ToArray(), actual.Shape, expected, [expected.Length], tol, what);
    }

    /// <summary>Checks a tensor against a matrix written as a C# 2-D array: shape [m, n] and every element.</summary>
    public static void Close(Tensor actual, double[,] expected, double tol = DefaultTolerance, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        int[] shape = [expected.GetLength(0), expected.GetLength(1)];
        if (actual is null) throw Fail(what, $"expected a tensor of {ShapeText(shape)}, got null");
        CloseFlat(actual.ToArray(), actual.Shape, Flatten(expected), shape, tol, what);
    }

    /// <summary>Checks a tensor's shape only, e.g. that a Hessian of n inputs is n × n.</summary>
    public static void Shape(Tensor actual, int[] expected, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null) throw Fail(what, $"expected a tensor of {ShapeText(expected)}, got null");
        if (!actual.Shape.AsSpan().SequenceEqual(expected))
            throw Fail(what, $"expected {ShapeText(expected)}, got {ShapeText(actual.Shape)}");
    }
}
