using Adjoint.Primitives;

namespace Adjoint;

// The functions of Np on complex tensors, each written with real tensor operations on the real
// and imaginary parts (so every transformation differentiates them with the real rules).
public static partial class Np
{
    /// <summary>atan2(y, x) element-wise: the angle of the point (x, y), in (−π, π].</summary>
    public static Tensor Arctan2(Tensor y, Tensor x) => Bind(Atan2P.Op, y, x);

    /// <summary>The real part.</summary>
    public static Tensor Real(ComplexTensor z) => z.Real;

    /// <summary>The imaginary part.</summary>
    public static Tensor Imag(ComplexTensor z) => z.Imag;

    /// <summary>The complex conjugate a − ib.</summary>
    public static ComplexTensor Conj(ComplexTensor z) => new(z.Real, -z.Imag);

    /// <summary>|z| = √(a² + b²) (a real tensor); derivative 0 at z = 0, as Hypot's.</summary>
    public static Tensor Abs(ComplexTensor z) => Hypot(z.Real, z.Imag);

    /// <summary>The argument (angle) of z, in (−π, π].</summary>
    public static Tensor Angle(ComplexTensor z) => Arctan2(z.Imag, z.Real);

    /// <summary>eᶻ = eᵃ(cos b + i sin b).</summary>
    public static ComplexTensor Exp(ComplexTensor z)
    {
        var r = Exp(z.Real);
        return new(r * Cos(z.Imag), r * Sin(z.Imag));
    }

    /// <summary>The principal logarithm log|z| + i·arg z (branch cut along the negative real axis).</summary>
    public static ComplexTensor Log(ComplexTensor z) => new(Log(Abs(z)), Angle(z));

    /// <summary>sin(a + ib) = sin a cosh b + i cos a sinh b.</summary>
    public static ComplexTensor Sin(ComplexTensor z)
    {
        var (cosh, sinh) = CoshSinh(z.Imag);
        return new(Sin(z.Real) * cosh, Cos(z.Real) * sinh);
    }

    /// <summary>cos(a + ib) = cos a cosh b − i sin a sinh b.</summary>
    public static ComplexTensor Cos(ComplexTensor z)
    {
        var (cosh, sinh) = CoshSinh(z.Imag);
        return new(Cos(z.Real) * cosh, -(Sin(z.Real) * sinh));
    }

    private static (Tensor Cosh, Tensor Sinh) CoshSinh(Tensor b)
    {
        Tensor up = Exp(b), down = Exp(-b);
        return (0.5 * (up + down), 0.5 * (up - down));
    }

    /// <summary>
    /// zᵖ for a constant exponent: repeated products for integer p (exact, and defined at z = 0),
    /// exp(p·log z) otherwise.
    /// </summary>
    public static ComplexTensor Pow(ComplexTensor z, double exponent)
    {
        if (exponent != Math.Floor(exponent) || Math.Abs(exponent) > 64) return Exp(Log(z) * exponent);
        ComplexTensor? result = null, power = z;
        for (long n = (long)Math.Abs(exponent); n > 0; n >>= 1)
        {
            if ((n & 1) == 1) result = result is null ? power : result * power;
            if (n > 1) power *= power;
        }
        result ??= ComplexTensor.FromReal(OnesLike(z.Real));
        return exponent < 0 ? ComplexTensor.FromReal(OnesLike(z.Real)) / result : result;
    }

    /// <summary>zʷ = exp(w·log z) (principal branch).</summary>
    public static ComplexTensor Pow(ComplexTensor z, ComplexTensor w) => Exp(w * Log(z));

    /// <summary>Sum of all elements, or over one axis.</summary>
    public static ComplexTensor Sum(ComplexTensor z, int? axis = null, bool keepdims = false) =>
        new(Sum(z.Real, axis, keepdims), Sum(z.Imag, axis, keepdims));

    /// <summary>numpy's dot (no conjugation, as numpy's): (A + iB)(C + iD) = (AC − BD) + i(AD + BC).</summary>
    public static ComplexTensor Dot(ComplexTensor a, ComplexTensor b) =>
        new(Dot(a.Real, b.Real) - Dot(a.Imag, b.Imag), Dot(a.Real, b.Imag) + Dot(a.Imag, b.Real));

    public static ComplexTensor Dot(Tensor a, ComplexTensor b) => new(Dot(a, b.Real), Dot(a, b.Imag));
    public static ComplexTensor Dot(ComplexTensor a, Tensor b) => new(Dot(a.Real, b), Dot(a.Imag, b));
}
