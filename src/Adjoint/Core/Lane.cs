global using Adjoint.Execution;

namespace Adjoint.Execution
{
    /// <summary>
    /// The element-wise functions of the primitives, as codes: a primitive's lane form names its function by
    /// one of these, and <see cref="LaneMath.Apply"/> computes it. Public for execution backends (Adjoint.Gpu).
    /// </summary>
    public enum LaneCode
    {
        Neg, Exp, Log, Sin, Cos, Tan, Tanh, Sqrt, Abs, Sign,
        Log1p, Expm1, Log2, Log10, Exp2, Sinh, Cosh, Asin, Acos, Atan, Asinh, Acosh, Atanh,
        Erf, Cbrt, Sigmoid, Softplus, Floor, Ceil, Round,
        Add, Sub, Mul, Div, Pow, PowConst, Max, Min, Hypot, Atan2,
        Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual,
        Select,
    }

    /// <summary>
    /// The scalar definition of every element-wise function, the one place each is written: eager evaluation
    /// of the functions without a vectorised kernel, constant folding, Jit's fused loop (the pixels after the
    /// last full vector, and the functions without a vector method) and the GPU interpreter all call
    /// <see cref="Apply"/>. Device code cannot call delegates, so this is a static method on doubles, written
    /// with the operations every ILGPU backend compiles (arithmetic, branches, loops and the basic
    /// <see cref="Math"/> functions).
    /// </summary>
    public static class LaneMath
    {
        /// <summary>f(a, b, c); unary functions read a, binary ones a and b, select c ≠ 0 ? a : b reads the condition first: f(c, a, b).</summary>
        public static double Apply(LaneCode f, double a, double b, double c) => f switch
        {
            LaneCode.Neg => -a,
            LaneCode.Exp => Math.Exp(a),
            LaneCode.Log => Math.Log(a),
            LaneCode.Sin => Math.Sin(a),
            LaneCode.Cos => Math.Cos(a),
            LaneCode.Tan => Math.Tan(a),
            LaneCode.Tanh => Math.Tanh(a),
            LaneCode.Sqrt => Math.Sqrt(a),
            LaneCode.Abs => Math.Abs(a),
            LaneCode.Sign => a > 0 ? 1.0 : a < 0 ? -1.0 : a, // keeps ±0 and NaN
            LaneCode.Log1p => Log1p(a),
            LaneCode.Expm1 => Expm1(a),
            LaneCode.Log2 => Math.Log2(a),
            LaneCode.Log10 => Math.Log10(a),
            LaneCode.Exp2 => Math.Pow(2.0, a),
            LaneCode.Sinh => Math.Sinh(a),
            LaneCode.Cosh => Math.Cosh(a),
            LaneCode.Asin => Math.Asin(a),
            LaneCode.Acos => Math.Acos(a),
            LaneCode.Atan => Math.Atan(a),
            LaneCode.Asinh => Asinh(a),
            LaneCode.Acosh => Acosh(a),
            LaneCode.Atanh => a < 0 ? -0.5 * Log1p(-2 * a / (1 + a)) : 0.5 * Log1p(2 * a / (1 - a)),
            LaneCode.Erf => Erf(a),
            LaneCode.Cbrt => Cbrt(a),
            LaneCode.Sigmoid => 1.0 / (1.0 + Math.Exp(-a)),
            LaneCode.Softplus => Math.Max(a, 0.0) + Log1p(Math.Exp(-Math.Abs(a))), // no overflow for large |a|
            LaneCode.Floor => Math.Floor(a),
            LaneCode.Ceil => Math.Ceiling(a),
            LaneCode.Round => Math.Round(a), // halves to even, as numpy
            LaneCode.Add => a + b,
            LaneCode.Sub => a - b,
            LaneCode.Mul => a * b,
            LaneCode.Div => a / b,
            LaneCode.Pow => Math.Pow(a, b),
            LaneCode.PowConst => b == 2 ? a * a : b == 1 ? a : Math.Pow(a, b),
            LaneCode.Max => Math.Max(a, b),
            LaneCode.Min => Math.Min(a, b),
            LaneCode.Hypot => Hypot(a, b),
            LaneCode.Atan2 => Math.Atan2(a, b),
            LaneCode.Less => a < b ? 1.0 : 0.0,
            LaneCode.LessEqual => a <= b ? 1.0 : 0.0,
            LaneCode.Greater => a > b ? 1.0 : 0.0,
            LaneCode.GreaterEqual => a >= b ? 1.0 : 0.0,
            LaneCode.Equal => a == b ? 1.0 : 0.0,
            LaneCode.NotEqual => a != b ? 1.0 : 0.0,
            LaneCode.Select => a != 0 ? b : c, // NaN counts as ≠ 0
            _ => double.NaN,
        };

        /// <summary>The starting value of a sum (0) or a max (−∞) over many elements.</summary>
        public static double Start(LaneCode reduction) => reduction == LaneCode.Max ? double.NegativeInfinity : 0.0;

        /// <summary>log(1 + x) to a few ulp: u = 1 + x rounded, then log u corrected by x/(u − 1) (Goldberg's trick).</summary>
        private static double Log1p(double x)
        {
            double u = 1.0 + x;
            if (u == 1.0) return x;
            if (double.IsInfinity(u) || u <= 0) return Math.Log(u);
            return Math.Log(u) * x / (u - 1.0);
        }

        /// <summary>eˣ − 1 to a few ulp (Kahan): u = eˣ rounded, then (u − 1)·x / log u.</summary>
        private static double Expm1(double x)
        {
            double u = Math.Exp(x);
            if (u == 1.0) return x;
            double um1 = u - 1.0;
            if (um1 == -1.0) return -1.0;
            if (double.IsInfinity(u)) return u;
            return um1 * x / Math.Log(u);
        }

        /// <summary>arsinh x = sign(x)·log1p(|x| + x²/(1 + √(1 + x²))): no cancellation near 0, no overflow for large |x|.</summary>
        private static double Asinh(double x)
        {
            double a = Math.Abs(x);
            double r = a > 1e8 ? Math.Log(a) + Math.Log(2.0) : Log1p(a + a * a / (1.0 + Math.Sqrt(1.0 + a * a)));
            return x < 0 ? -r : r;
        }

        /// <summary>arcosh x = log1p((x − 1) + √((x − 1)(x + 1))) for x ≥ 1 (NaN below): accurate near 1.</summary>
        private static double Acosh(double x)
        {
            if (x < 1) return double.NaN;
            if (x > 1e8) return Math.Log(x) + Math.Log(2.0);
            double t = x - 1.0;
            return Log1p(t + Math.Sqrt(t * (x + 1.0)));
        }

        /// <summary>The real cube root: e^(log|x|/3) and one Newton step (y − (y³ − x)/(3y²)), to about 1 ulp.</summary>
        private static double Cbrt(double x)
        {
            if (x == 0 || double.IsNaN(x) || double.IsInfinity(x)) return x;
            double a = Math.Abs(x);
            double y = Math.Exp(Math.Log(a) / 3.0);
            y -= (y * y * y - a) / (3.0 * y * y);
            return x < 0 ? -y : y;
        }

        /// <summary>
        /// erf x to about 1e-15: the Maclaurin series for |x| &lt; 2.5 (alternating terms, all small there), else
        /// 1 − erfc x with erfc from its continued fraction (Lentz), which converges fast for large |x|.
        /// </summary>
        private static double Erf(double x)
        {
            if (double.IsNaN(x)) return x;
            double a = Math.Abs(x), result;
            if (a < 2.5)
            {
                // erf x = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
                double term = a, sum = a, x2 = a * a;
                for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
                {
                    term *= -x2 / n;
                    sum += term / (2 * n + 1);
                }
                result = 2 / Math.Sqrt(Math.PI) * sum;
            }
            else if (a > 6) result = 1.0;
            else
            {
                // erfc a = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …)))))
                double tiny = 1e-300, f = a, cf = a, d = 0;
                for (int k = 1; k < 300; k++)
                {
                    double coefficient = k * 0.5;
                    d = a + coefficient * d; d = Math.Abs(d) < tiny ? tiny : d; d = 1 / d;
                    cf = a + coefficient / cf; cf = Math.Abs(cf) < tiny ? tiny : cf;
                    double delta = cf * d;
                    f *= delta;
                    if (Math.Abs(delta - 1) < 1e-16) break;
                }
                result = 1 - Math.Exp(-a * a) / Math.Sqrt(Math.PI) / f;
            }
            return x < 0 ? -result : result;
        }

        /// <summary>√(a² + b²) scaled by the larger magnitude, so that it neither overflows nor underflows.</summary>
        private static double Hypot(double a, double b)
        {
            double x = Math.Abs(a), y = Math.Abs(b);
            if (double.IsInfinity(x) || double.IsInfinity(y)) return double.PositiveInfinity;
            double big = Math.Max(x, y), small = Math.Min(x, y);
            if (big == 0 || double.IsNaN(big) || double.IsNaN(small)) return big + small;
            double r = small / big;
            return big * Math.Sqrt(1 + r * r);
        }
    }
}

namespace Adjoint
{
    /// <summary>How the vector form of a lane function is built from the method named by <see cref="Lane.Vector"/>.</summary>
    internal enum VectorForm
    {
        /// <summary>The Vector512/Vector256 method itself (or the scalar function per element when there is none).</summary>
        Call,
        /// <summary>A comparison: the method's all-ones mask ANDed with 1.0, giving 1.0 or 0.0.</summary>
        Mask,
        /// <summary>The negated comparison: 1.0 where the method's mask is clear.</summary>
        NegatedMask,
        /// <summary>select(c, a, b): a where c ≠ 0 (NaN counts as ≠ 0), else b.</summary>
        Select,
    }

    /// <summary>
    /// The element-wise form of a primitive: the function computing one output number from one number per
    /// input (a lane), for loops that fuse many primitives — Jit's SIMD loop and the GPU interpreter.
    /// Each element-wise primitive declares its lane next to its eval and derivative rules.
    /// </summary>
    /// <param name="Code">Which function this is: <see cref="LaneMath.Apply"/> computes it, on the CPU and on the device.</param>
    /// <param name="Arity">Operands, <see cref="Constant"/> included.</param>
    /// <param name="Vector">The static method of Vector512/Vector256 that computes it on a vector; null: none (the scalar function per element).</param>
    /// <param name="Form">How the vector method gives the result.</param>
    /// <param name="Commutative">Whether the two operands may be swapped (to share equal nodes).</param>
    /// <param name="Constant">A constant last operand (pow_const's exponent), or null.</param>
    /// <param name="Identity">e with x ∘ e = x (and e ∘ x = x when commutative): x + 0, x · 1, x − 0 are x.</param>
    internal sealed record Lane(LaneCode Code, int Arity, string? Vector,
        VectorForm Form = VectorForm.Call, bool Commutative = false, double? Constant = null, double? Identity = null)
    {
        /// <summary>The primitive's name ("mul", "eq"…), for descriptions of fused loops.</summary>
        public string Name { get; init; } = Code.ToString();

        /// <summary>The function on doubles (<see cref="LaneMath.Apply"/>): constant folding and the pixels after the last full vector.</summary>
        public double Scalar(double a, double b, double c) => LaneMath.Apply(Code, a, b, c);

        public static Lane Unary(LaneCode code, string? vector) => new(code, 1, vector);

        public static Lane Binary(LaneCode code, string? vector, bool commutative = false, double? identity = null) =>
            new(code, 2, vector, Commutative: commutative, Identity: identity);

        public static Lane Comparison(LaneCode code, string vector, bool negated = false) =>
            new(code, 2, vector, negated ? VectorForm.NegatedMask : VectorForm.Mask,
                Commutative: code is LaneCode.Equal or LaneCode.NotEqual);

        public override string ToString() => Constant is { } c ? $"{Code}({c})" : Code.ToString();
    }
}
