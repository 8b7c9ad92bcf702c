using Course;
using CsCheck;

namespace Course.Tests;

public class HandHessianTests
{
    private static readonly GaussModel Model = GaussModel.Simulate(23, seed: 11);

    [Fact]
    public void Value_is_the_nll()
    {
        TestData.Parameters.Sample(p =>
        {
            double nll = Model.NllScalar(p);
            Assert.Equal(nll, HandHessian.Fused(Model, p).Value, 1e-12 * Math.Abs(nll));
            Assert.Equal(nll, HandHessian.Scalar(Model, p).Value, 1e-12 * Math.Abs(nll));
        }, iter: 20);
    }

    [Fact]
    public void Gradient_matches_central_differences_of_the_scalar_nll()
    {
        TestData.Parameters.Sample(p =>
        {
            var fd = FiniteDifferences.Gradient(Model.NllScalar, p);
            var hand = HandHessian.Scalar(Model, p).Gradient;
            // Central differences with h ≈ 6e-6 are good to ~1e-9 of the function scale.
            double tol = 1e-7 * Math.Max(1.0, Math.Abs(Model.NllScalar(p)));
            for (int k = 0; k < 6; k++) Assert.True(Math.Abs(hand[k] - fd[k]) <= tol, $"d/d{GaussModel.ParameterNames[k]}: hand {hand[k]} fd {fd[k]}");
        }, iter: 15);
    }

    [Fact]
    public void Hessian_matches_extrapolated_finite_differences_of_the_scalar_nll()
    {
        TestData.Parameters.Sample(p =>
        {
            var fd = FiniteDifferences.NumdifftoolsHessian(Model.NllScalar, p);
            var hand = HandHessian.Scalar(Model, p).Hessian;
            double err = TestData.RelativeError(hand, fd);
            Assert.True(err < 1e-6, $"relative error {err:E2} at [{string.Join(", ", p)}]");
        }, iter: 6);
    }

    [Fact]
    public void Fused_pass_agrees_with_the_scalar_pass()
    {
        var model = GaussModel.Simulate(45, seed: 4); // 45 = 5·8 + 5: vector packs and scalar tails
        TestData.Parameters.Sample(p =>
        {
            var fused = HandHessian.Fused(model, p);
            var scalar = HandHessian.Scalar(model, p);
            Assert.True(TestData.RelativeError(fused.Gradient, scalar.Gradient) < 1e-10);
            Assert.True(TestData.RelativeError(fused.Hessian, scalar.Hessian) < 1e-10);
        }, iter: 20);
    }

    [Fact]
    public void Hessian_is_symmetric()
    {
        var h = HandHessian.Fused(Model, [0.1, 0.2, 1.1, 0.45, 0.2, -0.1]).Hessian;
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++) Assert.Equal(h[i, j], h[j, i]);
    }

    [Fact]
    public void Fused_pass_is_bitwise_deterministic_across_runs_and_thread_counts()
    {
        var model = GaussModel.Simulate(150, seed: 9);
        var p = new[] { 0.05, -0.02, 1.05, 0.48, 0.03, -0.01 };
        var one = HandHessian.Fused(model, p, maxDegreeOfParallelism: 1);
        for (int k = 0; k < 4; k++)
        {
            foreach (var other in new[] { HandHessian.Fused(model, p, 2), HandHessian.Fused(model, p) })
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(one.Value), BitConverter.DoubleToInt64Bits(other.Value));
                Assert.Equal(one.Gradient, other.Gradient);
                Assert.True(TestData.BitwiseEqual(one.Hessian, other.Hessian));
            }
        }
    }
}
