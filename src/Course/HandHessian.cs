using System.Numerics;

namespace Course;

/// <summary>Value, gradient and Hessian of a scalar function at one point.</summary>
/// <param name="Value">f(p).</param>
/// <param name="Gradient">∂f/∂p_k.</param>
/// <param name="Hessian">∂²f/∂p_k∂p_l (symmetric).</param>
public sealed record ValueGradHessian(double Value, double[] Gradient, double[,] Hessian);

/// <summary>
/// What an expert writes by hand: the value, gradient and full 6×6 Hessian of
/// <see cref="GaussModel"/>'s Cauchy NLL in one pass over the pixels, derived with the chain rule.
/// <para><b>The maths.</b> Per pixel, with u = o − m and D = u² + g², the NLL term is
/// ℓ = log(π/g) + log D, so ℓ_m = dℓ/dm = −2u/D and ℓ_mm = 2(g² − u²)/D².
/// Write m through its logarithm L = log m = log amp − w·q with w = 1/(2 sigma²); then
/// m_k = m·L_k and m_kl = m·(L_k L_l + L_kl), and
/// <code>
///   ∂ℓ/∂p_k       = a·L_k                     a = ℓ_m·m
///   ∂²ℓ/∂p_k∂p_l  = b·L_k·L_l + a·L_kl        b = ℓ_mm·m² + a
/// </code>
/// The first derivatives of L (q = dx² + dy² + rho·dx·dy + diff·(dx² − dy²)):
/// <code>
///   L_x0 = w(2(1+diff)dx + rho·dy)   L_y0 = w(2(1−diff)dy + rho·dx)   L_amp = 1/amp
///   L_sigma = q/sigma³ = 2wq/sigma   L_rho = −w·dx·dy                 L_diff = −w(dx² − dy²)
/// </code>
/// and the non-zero second derivatives:
/// <code>
///   L_x0x0 = −2w(1+diff)   L_y0y0 = −2w(1−diff)   L_x0y0 = −w·rho   L_amp,amp = −1/amp²
///   L_x0,rho = w·dy   L_x0,diff = 2w·dx   L_y0,rho = w·dx   L_y0,diff = −2w·dy
///   L_k,sigma = −2 L_k/sigma  (k = x0, y0, rho, diff)      L_sigma,sigma = −3 L_sigma/sigma
/// </code>
/// So one pass only needs 30 sums over the pixels: Σ log D, Σa, Σa·L_k, Σa·dx, Σa·dy, Σb,
/// Σb·L_k, Σb·L_k·L_l for the five pixel-dependent L_k (x0, y0, sigma, rho, diff); the
/// constant factors are applied once at the end (<see cref="Assemble"/>).</para>
/// </summary>
public static class HandHessian
{
    // Layout of the 30 sums.
    private const int Val = 0, SumA = 1, SumAL = 2, SumADx = 7, SumADy = 8, SumB = 9, SumBL = 10, SumBLL = 15, Width = 30;

    /// <summary>Parameter index of each pixel-dependent L_k: x0, y0, sigma, rho, diff (amp has the constant L = 1/amp).</summary>
    private static readonly int[] Varying = [0, 1, 3, 4, 5];

    private const int Amp = 2;

    /// <summary>
    /// The fused pass: SIMD (512-bit or <see cref="Vector{T}"/> packs with vector Exp/Log, scalar
    /// tails) on all cores, one row per work item, row sums combined in row order: deterministic
    /// and identical for any <paramref name="maxDegreeOfParallelism"/>.
    /// </summary>
    public static ValueGradHessian Fused(GaussModel model, IReadOnlyList<double> p, int maxDegreeOfParallelism = -1)
    {
        var c = new GaussModel.Constants(p);
        int n = model.N;
        var dx = GaussModel.Shifted(model.Lin, c.X0);
        Span<double> sums = stackalloc double[Width];
        RowReduction.Run(n, Width, sums, (i, partial) =>
            Simd.Row(new FusedRow(model.Observation.AsMemory(i * n, n), dx, model.Lin[i] - c.Y0, model.Gamma, c), n, partial),
            maxDegreeOfParallelism);
        return Assemble(sums, c, (double)n * n, model.Gamma);
    }

    /// <summary>The 30 sums over part of one row (see the class comment for what each one is).</summary>
    private readonly struct FusedRow(ReadOnlyMemory<double> obs, double[] dx, double dy, double gamma, GaussModel.Constants c) : IRowKernel
    {
        public void Run<T>(int start, int end, Span<double> partial) where T : unmanaged, ISimd<T>
        {
            var o = obs.Span;
            var g2 = T.Splat(gamma * gamma);
            var two = T.Splat(2.0);
            // Row constants: the dy parts of L_x0 and L_y0, and the dx coefficients.
            var kx = T.Splat(c.W * c.Rho * dy);
            var ky = T.Splat(2 * c.W * (1 - c.Diff) * dy);
            var dy2 = T.Splat(dy * dy);
            double cx = 2 * c.W * (1 + c.Diff), cy = c.W * c.Rho, cs = 2 * c.W / c.Sigma, cr = -c.W * dy;
            // 30 accumulators as locals (not an array) so the JIT keeps them in registers: the
            // upper triangle p_kl of Σ b·L_k·L_l is written out, as is everything else.
            T z = T.Splat(0.0);
            T val = z, sa = z, sadx = z, sady = z, sb = z;
            T a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, b0 = z, b1 = z, b2 = z, b3 = z, b4 = z;
            T p00 = z, p01 = z, p02 = z, p03 = z, p04 = z, p11 = z, p12 = z, p13 = z, p14 = z;
            T p22 = z, p23 = z, p24 = z, p33 = z, p34 = z, p44 = z;
            for (int j = start; j < end; j += T.Count)
            {
                var d = T.Load(dx.AsSpan(j));
                var q = GaussModel.Quadratic(d, dy, c);
                var m = c.Amp * T.Exp(-c.W * q);
                var u = T.Load(o[j..]) - m;
                var u2 = u * u;
                var dd = u2 + g2;
                var invD = T.Splat(1.0) / dd;
                var a = -2.0 * (u * invD * m);                       // ℓ_m·m
                var b = (two * (g2 - u2) * invD * invD) * m * m + a;  // ℓ_mm·m² + a
                val += T.Log(dd);
                var l0 = cx * d + kx;
                var l1 = cy * d + ky;
                var l2 = cs * q;
                var l3 = cr * d;
                var l4 = -c.W * (d * d - dy2);
                sa += a; sadx += a * d; sady += dy * a; sb += b;
                a0 += a * l0; a1 += a * l1; a2 += a * l2; a3 += a * l3; a4 += a * l4;
                var bl0 = b * l0; var bl1 = b * l1; var bl2 = b * l2; var bl3 = b * l3; var bl4 = b * l4;
                b0 += bl0; b1 += bl1; b2 += bl2; b3 += bl3; b4 += bl4;
                p00 += bl0 * l0; p01 += bl0 * l1; p02 += bl0 * l2; p03 += bl0 * l3; p04 += bl0 * l4;
                p11 += bl1 * l1; p12 += bl1 * l2; p13 += bl1 * l3; p14 += bl1 * l4;
                p22 += bl2 * l2; p23 += bl2 * l3; p24 += bl2 * l4;
                p33 += bl3 * l3; p34 += bl3 * l4; p44 += bl4 * l4;
            }
            ReadOnlySpan<T> acc = [val, sa, a0, a1, a2, a3, a4, sadx, sady, sb, b0, b1, b2, b3, b4,
                p00, p01, p02, p03, p04, p11, p12, p13, p14, p22, p23, p24, p33, p34, p44];
            for (int s = 0; s < Width; s++) partial[s] += T.Sum(acc[s]);
        }
    }

    /// <summary>
    /// The same pass written plainly: one thread, one pixel at a time, <see cref="Math.Exp"/> and
    /// <see cref="Math.Log(double)"/>. The reference the fused pass is checked against, and the "scalar"
    /// timing of the lesson.
    /// </summary>
    public static ValueGradHessian Scalar(GaussModel model, IReadOnlyList<double> p)
    {
        var c = new GaussModel.Constants(p);
        int n = model.N;
        double g2 = model.Gamma * model.Gamma;
        Span<double> acc = stackalloc double[Width];
        Span<double> l = stackalloc double[5];
        acc.Clear();
        for (int i = 0; i < n; i++)
        {
            double dy = model.Lin[i] - c.Y0;
            for (int j = 0; j < n; j++)
            {
                double dx = model.Lin[j] - c.X0;
                double dd = dx * dx - dy * dy;
                double q = dx * dx + dy * dy + c.Rho * dx * dy + c.Diff * dd;
                double m = c.Amp * Math.Exp(-c.W * q);
                double u = model.Observation[i * n + j] - m;
                double d = u * u + g2;
                double a = -2.0 * u / d * m;
                double b = 2.0 * (g2 - u * u) / (d * d) * m * m + a;
                acc[Val] += Math.Log(d);
                l[0] = c.W * (2 * (1 + c.Diff) * dx + c.Rho * dy);
                l[1] = c.W * (2 * (1 - c.Diff) * dy + c.Rho * dx);
                l[2] = 2 * c.W * q / c.Sigma;
                l[3] = -c.W * dx * dy;
                l[4] = -c.W * dd;
                acc[SumA] += a;
                acc[SumADx] += a * dx;
                acc[SumADy] += a * dy;
                acc[SumB] += b;
                for (int s = 0, pair = SumBLL; s < 5; s++)
                {
                    acc[SumAL + s] += a * l[s];
                    acc[SumBL + s] += b * l[s];
                    for (int t = s; t < 5; t++) acc[pair++] += b * l[s] * l[t];
                }
            }
        }
        return Assemble(acc, c, (double)n * n, model.Gamma);
    }

    /// <summary>Turns the 30 pixel sums into value, gradient and Hessian (the constant factors of the class comment).</summary>
    private static ValueGradHessian Assemble(ReadOnlySpan<double> sum, in GaussModel.Constants c, double pixels, double gamma)
    {
        double w = c.W, s = c.Sigma, a = sum[SumA];
        var grad = new double[6];
        var h = new double[6, 6];

        grad[Amp] = a / c.Amp;
        h[Amp, Amp] = (sum[SumB] - a) / (c.Amp * c.Amp);
        for (int k = 0, pair = SumBLL; k < 5; k++)
        {
            int pk = Varying[k];
            grad[pk] = sum[SumAL + k];
            h[Amp, pk] = h[pk, Amp] = sum[SumBL + k] / c.Amp;
            for (int t = k; t < 5; t++, pair++)
            {
                int pt = Varying[t];
                h[pk, pt] = h[pt, pk] = sum[pair];
            }
        }

        // The a·L_kl terms (indices: x0 0, y0 1, sigma 3, rho 4, diff 5).
        AddSym(h, 0, 0, -2 * w * (1 + c.Diff) * a);
        AddSym(h, 1, 1, -2 * w * (1 - c.Diff) * a);
        AddSym(h, 0, 1, -w * c.Rho * a);
        AddSym(h, 0, 4, w * sum[SumADy]);
        AddSym(h, 0, 5, 2 * w * sum[SumADx]);
        AddSym(h, 1, 4, w * sum[SumADx]);
        AddSym(h, 1, 5, -2 * w * sum[SumADy]);
        foreach (int k in (int[])[0, 1, 4, 5]) AddSym(h, k, 3, -2 * grad[k] / s);
        AddSym(h, 3, 3, -3 * grad[3] / s);

        double value = pixels * Math.Log(Math.PI / gamma) + sum[Val];
        return new ValueGradHessian(value, grad, h);
    }

    private static void AddSym(double[,] h, int i, int j, double v)
    {
        h[i, j] += v;
        if (i != j) h[j, i] += v;
    }
}
