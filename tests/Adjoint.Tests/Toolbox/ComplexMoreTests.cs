using Complex = System.Numerics.Complex;
using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Toolbox;

public class ComplexMoreTests
{
    private static readonly ComplexTensor Z = ComplexTensor.Array(new(1.0, 2.0), new(-0.5, 0.3), new(0.2, -1.1));

    private static void Close(Complex[] expected, ComplexTensor actual, double tol = 1e-12)
    {
        var values = actual.ToArray();
        for (int i = 0; i < values.Length; i++)
            Assert.True(Complex.Abs(values[i] - expected[i]) <= tol * (1 + Complex.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {values[i]}");
    }

    [Fact]
    public void TanhIsHolomorphicWithDerivativeOneMinusTanhSquared()
    {
        Close([.. Z.ToArray().Select(Complex.Tanh)], Tanh(Z));
        Close([.. Z.ToArray().Select(z => 1 - Complex.Tanh(z) * Complex.Tanh(z))],
              Grad((ComplexTensor z) => Sum(Tanh(z)), holomorphic: true)(Z), 1e-11);
    }

    [Fact]
    public void WhereAndComparisonsOnComplexArrays()
    {
        var w = ComplexTensor.Array(new(1.0, 3.0), new(-0.5, 0.3), new(0.0, -1.1));
        Assertions.Close(Array(0.0, 1.0, 0.0), Equal(Z, w));
        Assertions.Close(Array(1.0, 0.0, 1.0), NotEqual(Z, w));
        Assertions.Close(Array(1.0, 0.0, 0.0), Less(Z, w));          // same real part: by imaginary part
        Assertions.Close(Array(1.0, 1.0, 0.0), LessEqual(Z, w));
        Assertions.Close(Array(0.0, 0.0, 1.0), Greater(Z, w));
        Assertions.Close(Array(0.0, 1.0, 1.0), GreaterEqual(Z, w));
        Close([Z.ToArray()[0], w.ToArray()[1], Z.ToArray()[2]], Where(Array(1.0, 0.0, 1.0), Z, w));
        // Holomorphic derivative of a branch: z² where selected, 3z elsewhere.
        Close([2 * Z.ToArray()[0], 3, 2 * Z.ToArray()[2]],
              Grad((ComplexTensor z) => Sum(Where(Array(1.0, 0.0, 1.0), Pow(z, 2), 3.0 * z)), holomorphic: true)(Z));
    }
}
