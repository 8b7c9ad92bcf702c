namespace Adjoint;

// Complex Where, Tanh and comparisons (issue 15), built from real tensor operations on the parts as the rest of
// Complex/ is, so every transformation (holomorphic included) differentiates them.
public static partial class Np
{
    /// <summary>a where the condition is non-zero, b elsewhere, on both parts; the derivative flows to the selected branch.</summary>
    public static ComplexTensor Where(Tensor condition, ComplexTensor a, ComplexTensor b) =>
        new(Where(condition, a.Real, b.Real), Where(condition, a.Imag, b.Imag));

    /// <summary>tanh(x + iy) = (sinh 2x + i sin 2y) / (cosh 2x + cos 2y); holomorphic, derivative 1 − tanh² z.</summary>
    public static ComplexTensor Tanh(ComplexTensor z)
    {
        var denominator = Cosh(2.0 * z.Real) + Cos(2.0 * z.Imag);
        return new(Sinh(2.0 * z.Real) / denominator, Sin(2.0 * z.Imag) / denominator);
    }

    /// <summary>1.0 where both parts are equal.</summary>
    public static Tensor Equal(ComplexTensor a, ComplexTensor b) => Equal(a.Real, b.Real) * Equal(a.Imag, b.Imag);

    public static Tensor NotEqual(ComplexTensor a, ComplexTensor b) => 1.0 - Equal(a, b);

    /// <summary>numpy's (and JAX's) order of complex numbers: by real part, then by imaginary part.</summary>
    public static Tensor Less(ComplexTensor a, ComplexTensor b) =>
        Less(a.Real, b.Real) + Equal(a.Real, b.Real) * Less(a.Imag, b.Imag);

    public static Tensor LessEqual(ComplexTensor a, ComplexTensor b) => 1.0 - Less(b, a);
    public static Tensor Greater(ComplexTensor a, ComplexTensor b) => Less(b, a);
    public static Tensor GreaterEqual(ComplexTensor a, ComplexTensor b) => 1.0 - Less(a, b);
}
