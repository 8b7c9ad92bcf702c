using System.Globalization;
using System.Numerics;
using static Adjoint.Np;

namespace Adjoint;

/// <summary>
/// A complex128 array: a pair of real tensors of the same shape, z = <see cref="Real"/> + i·<see cref="Imag"/>.
/// Arithmetic and the functions in <see cref="Np"/> that take a ComplexTensor are written with real
/// tensor operations, so every transformation differentiates them with no complex-specific rule.
/// </summary>
/// <remarks>
/// Why a separate type over two real tensors rather than a dtype flag on <see cref="Tensor"/>: the
/// real path (kernels, primitives, traces, the JIT) stays exactly as simple and fast as it is; forward
/// and reverse mode, nesting (Hessians) and Jit work through complex code unchanged, because they only
/// ever see real operations; and the traces a student prints show how complex arithmetic reduces to
/// real arithmetic. The price: a complex product costs four real products and some intermediates, and
/// a ComplexTensor is not a Tensor (functions take one or the other). In trees a ComplexTensor is one
/// leaf that flattens into its two parts; Ad's holomorphic and cotangent conventions (JAX's) are
/// applied where trees are flattened and rebuilt.
/// </remarks>
public sealed partial class ComplexTensor
{
    /// <summary>The real part.</summary>
    public Tensor Real { get; }

    /// <summary>The imaginary part (same shape as <see cref="Real"/>).</summary>
    public Tensor Imag { get; }

    /// <summary>real + i·imag; a scalar part is broadcast to the other's shape.</summary>
    public ComplexTensor(Tensor real, Tensor imag)
    {
        if (!Shapes.Equal(real.shape, imag.shape))
        {
            var shape = Shapes.Broadcast(real.shape, imag.shape, "complex");
            (real, imag) = (BroadcastTo(real, shape), BroadcastTo(imag, shape));
        }
        (Real, Imag) = (real, imag);
    }

    /// <summary>A complex tensor with zero imaginary part.</summary>
    public static ComplexTensor FromReal(Tensor real) => new(real, ZerosLike(real));

    /// <summary>A 1-D complex array of the given values.</summary>
    public static ComplexTensor Array(params Complex[] values) =>
        new(Np.Array(values.Select(v => v.Real).ToArray()), Np.Array(values.Select(v => v.Imaginary).ToArray()));

    public static implicit operator ComplexTensor(Complex value) => new(value.Real, value.Imaginary);

    /// <summary>numpy's name for the element type.</summary>
    public string DType => "complex128";

    public int[] Shape => Real.Shape;
    public int Rank => Real.Rank;
    public int Size => Real.Size;

    /// <summary>The values, row-major.</summary>
    public Complex[] ToArray() => Real.ToArray().Zip(Imag.ToArray(), (re, im) => new Complex(re, im)).ToArray();

    /// <summary>The value of a one-element array.</summary>
    public Complex Item => new(Real.Item, Imag.Item);

    [System.Runtime.CompilerServices.IndexerName("At")]
    public ComplexTensor this[params TensorIndex[] indices] => new(Real[indices], Imag[indices]);

    public ComplexTensor Reshape(params int[] shape) => new(Real.Reshape(shape), Imag.Reshape(shape));

    public static ComplexTensor operator +(ComplexTensor a, ComplexTensor b) => new(a.Real + b.Real, a.Imag + b.Imag);
    public static ComplexTensor operator -(ComplexTensor a, ComplexTensor b) => new(a.Real - b.Real, a.Imag - b.Imag);
    public static ComplexTensor operator -(ComplexTensor a) => new(-a.Real, -a.Imag);

    /// <summary>(a + ib)(c + id) = (ac − bd) + i(ad + bc).</summary>
    public static ComplexTensor operator *(ComplexTensor a, ComplexTensor b) =>
        new(a.Real * b.Real - a.Imag * b.Imag, a.Real * b.Imag + a.Imag * b.Real);

    /// <summary>(a + ib)/(c + id) = ((ac + bd) + i(bc − ad)) / (c² + d²).</summary>
    public static ComplexTensor operator /(ComplexTensor a, ComplexTensor b)
    {
        var denominator = b.Real * b.Real + b.Imag * b.Imag;
        return new((a.Real * b.Real + a.Imag * b.Imag) / denominator, (a.Imag * b.Real - a.Real * b.Imag) / denominator);
    }

    // Mixed forms: a real operand needs no imaginary arithmetic.
    public static ComplexTensor operator +(ComplexTensor a, Tensor b) => new(a.Real + b, a.Imag);
    public static ComplexTensor operator +(Tensor a, ComplexTensor b) => new(a + b.Real, b.Imag);
    public static ComplexTensor operator -(ComplexTensor a, Tensor b) => new(a.Real - b, a.Imag);
    public static ComplexTensor operator -(Tensor a, ComplexTensor b) => new(a - b.Real, -b.Imag);
    public static ComplexTensor operator *(ComplexTensor a, Tensor b) => new(a.Real * b, a.Imag * b);
    public static ComplexTensor operator *(Tensor a, ComplexTensor b) => new(a * b.Real, a * b.Imag);
    public static ComplexTensor operator /(ComplexTensor a, Tensor b) => new(a.Real / b, a.Imag / b);
    public static ComplexTensor operator /(Tensor a, ComplexTensor b) => FromReal(a) / b;

    /// <summary>numpy's style for complex values, e.g. <c>[1.+2.j 3.-0.5j]</c>.</summary>
    public override string ToString()
    {
        var values = ToArray();
        string Element(Complex v) =>
            Number(v.Real) + (double.IsNegative(v.Imaginary) ? "-" : "+") + Number(Math.Abs(v.Imaginary)) + "j";
        if (Rank == 0) return "(" + Element(values[0]).Replace(".+", "+").Replace(".-", "-").Replace(".j", "j") + ")";
        return Nest(values.Select(Element).ToArray(), Real.shape, 0, 0);
    }

    private static string Number(double v) => v.ToString("0.########", CultureInfo.InvariantCulture) is var s && s.Contains('.') ? s : s + ".";

    private static string Nest(string[] items, int[] shape, int axis, int offset)
    {
        int stride = Shapes.Size(shape.AsSpan(axis + 1));
        var parts = Enumerable.Range(0, shape[axis]).Select(i => axis == shape.Length - 1 ? items[offset + i] : Nest(items, shape, axis + 1, offset + i * stride));
        return "[" + string.Join(axis == shape.Length - 1 ? " " : "\n" + new string(' ', axis + 1), parts) + "]";
    }
}
