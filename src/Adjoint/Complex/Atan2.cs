using static Adjoint.Np;

namespace Adjoint.Primitives;

/// <summary>
/// atan2(a, b): the angle of the point (b, a), in (−π, π]. Needed for the argument of a complex
/// number (log z = log|z| + i·atan2(Im z, Re z)). ∂/∂a = b/(a² + b²), ∂/∂b = −a/(a² + b²); taken as 0
/// at the origin (as Hypot's), where the angle is undefined.
/// </summary>
internal sealed class Atan2P() : Binary("atan2", BinaryKernel.FromScalar(Math.Atan2), Lane.Binary(LaneCode.Atan2, null))
{
    public static readonly Atan2P Op = new();

    protected override Tensor Partial(int i, Tensor a, Tensor b, Tensor y)
    {
        var r2 = a * a + b * b;
        var atOrigin = Equal(r2, 0.0);
        return Where(atOrigin, 0.0, (i == 0 ? b : -a) / Where(atOrigin, 1.0, r2));
    }
}
