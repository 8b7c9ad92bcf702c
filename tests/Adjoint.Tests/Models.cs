using Adjoint;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>The functions of the course, written with the library as a student would.</summary>
internal static class Models
{
    /// <summary>The toy function of the lecture: Σ (x² − x³ − x); its Hessian is diag(2 − 6x).</summary>
    public static Tensor Toy(Tensor x) => Sum(Pow(x, 2) - Pow(x, 3) - x);

    /// <summary>g(x) = x₀³ − 2·x₀·x₁ − x₁⁶.</summary>
    public static Tensor G(Tensor x) => Pow(x[0], 3) - 2 * x[0] * x[1] - Pow(x[1], 6);

    /// <summary>The lecture function: a = x1/x2, b = exp(x2), c = sin(a), d = a − b, e = c + d, g = d·e.</summary>
    public static Tensor Lecture(Tensor x1, Tensor x2)
    {
        var a = x1 / x2;
        var b = Exp(x2);
        var c = Sin(a);
        var d = a - b;
        var e = c + d;
        return d * e;
    }

    public static Tensor Rosenbrock(Tensor x) =>
        Sum(100 * Pow(x[1..] - Pow(x[..^1], 2), 2) + Pow(1 - x[..^1], 2));

    /// <summary>The Gaussian/Cauchy negative log-likelihood of the course, p = (x0, y0, amp, sigma, rho, diff).</summary>
    public sealed class Gauss(int n, int seed = 0)
    {
        public Tensor Grid { get; } = Mgrid((-2, 2, n), (-2, 2, n));
        public const double Scale = 0.5;
        public static readonly Tensor Truth = Array(0, 0, 1, 0.5, 0, 0);

        public Tensor Model(Tensor p)
        {
            var dx = Grid[1] - p[0];
            var dy = Grid[0] - p[1];
            var r = Hypot(dx, dy);
            return p[2] * Exp(-1 / (2 * Pow(p[3], 2)) * (Pow(r, 2) + p[4] * dx * dy + p[5] * (Pow(dx, 2) - Pow(dy, 2))));
        }

        private Tensor? observation;
        public Tensor Observation => observation ??= Model(Truth) + Normal([n, n], seed, 0, 0.5);

        public Tensor Nll(Tensor p)
        {
            var m = Model(p);
            var density = 1 / (Math.PI * Scale) * (Scale * Scale) / (Pow(Observation - m, 2) + Scale * Scale);
            return -Sum(Log(density));
        }
    }
}
