using Adjoint;
using static Adjoint.Np;

namespace Course;

/// <summary>
/// The Gaussian/Cauchy negative log-likelihood written with the Adjoint library, over the same data
/// as <see cref="GaussModel"/> (same grid convention, same observation), so every derivative of it
/// (Grad, Hessian, Jit(Hessian)) can be compared with the hand-written pass.
/// </summary>
public sealed class GaussLikelihood
{
    /// <summary>x coordinate of every pixel (varies along the last axis), shape (n, n).</summary>
    public Tensor X { get; }

    /// <summary>y coordinate of every pixel (varies along the first axis), shape (n, n).</summary>
    public Tensor Y { get; }

    /// <summary>The observed image, shape (n, n).</summary>
    public Tensor Observation { get; }

    /// <summary>Scale g of the Cauchy density.</summary>
    public double Gamma { get; }

    public GaussLikelihood(GaussModel data)
    {
        var lin = Array(data.Lin);
        (X, Y) = Meshgrid(lin, lin);
        Observation = Array(data.Observation, data.N, data.N);
        Gamma = data.Gamma;
    }

    /// <summary>m = amp·exp(−(dx² + dy² + rho·dx·dy + diff·(dx² − dy²)) / (2 sigma²)) with p = (x0, y0, amp, sigma, rho, diff).</summary>
    public Tensor Model(Tensor p)
    {
        var dx = X - p[0];
        var dy = Y - p[1];
        var q = Pow(Hypot(dx, dy), 2) + p[4] * dx * dy + p[5] * (Pow(dx, 2) - Pow(dy, 2));
        return p[2] * Exp(-1 / (2 * Pow(p[3], 2)) * q);
    }

    /// <summary>−Σ log of the Cauchy density 1/(π g) · g²/((o − m)² + g²).</summary>
    public Tensor Nll(Tensor p)
    {
        double g = Gamma;
        var density = 1 / (Math.PI * g) * (g * g) / (Pow(Observation - Model(p), 2) + g * g);
        return -Sum(Log(density));
    }
}
