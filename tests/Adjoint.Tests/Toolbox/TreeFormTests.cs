using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Toolbox;

public class TreeFormTests
{
    private static readonly Func<Dictionary<string, Tensor>, Tensor> Loss =
        p => Sum(Pow(p["w"], 2) * p["b"]) + Sum(Sin(p["b"]));

    private static Dictionary<string, Tensor> Point() => new() { ["w"] = Array(1.0, -2.0), ["b"] = Array(0.5) };

    [Fact]
    public void ValueAndGradHvpAndCheckGradsTakeTrees()
    {
        var (value, gradient) = ValueAndGrad(Loss)(Point());
        Assertions.Close(Loss(Point()), value);
        Assertions.Close(Array(1.0, -2.0), gradient["w"]);                  // 2·w·b
        Assertions.Close(Array(5.0 + Math.Cos(0.5)), gradient["b"]);          // Σw² + cos b

        var v = new Dictionary<string, Tensor> { ["w"] = Array(1.0, 0.0), ["b"] = Array(2.0) };
        var hv = Hvp(Loss, Point(), v);
        // H = [[2b, 0, 2w₁], [0, 2b, 2w₂], [2w₁, 2w₂, −sin b]] at w = (1, −2), b = 0.5.
        Assertions.Close(Array(1.0 + 4.0, 0.0 - 8.0), hv["w"], 1e-14);
        Assertions.Close(Array(2.0 - 2.0 * Math.Sin(0.5)), hv["b"], 1e-14);

        CheckGrads(Loss, Point(), order: 2);
        // A deliberately wrong reverse rule is caught through the tree form.
        var g = CustomVjp((Tensor[] a) => Loss(new() { ["w"] = a[0], ["b"] = a[1] }),
                          (Tensor[] a) => (Loss(new() { ["w"] = a[0], ["b"] = a[1] }), a), (Tensor[] a, Tensor ct) => new[] { ct * a[0], ct * a[1] });
        Func<Dictionary<string, Tensor>, Tensor> wrong = p => g([p["w"], p["b"]]);
        Assert.Throws<GradientCheckException>(() => CheckGrads(wrong, Point(), order: 1, modes: ["rev"]));
    }

    /// <summary>A loss of parameters (a tree) and data (a tensor): Σ (w·x + b − y)², y fixed.</summary>
    private static readonly Func<Dictionary<string, Tensor>, Tensor, Tensor> DataLoss =
        (p, x) => Sum(Pow(p["w"] * x + p["b"] - Array(1.0, 0.5), 2));

    [Fact]
    public void FunctionsOfSeveralTreesTakeArgnums()
    {
        var p = Point();
        var x = Array(0.3, -1.2);
        // Each gradient as the one-argument tree forms give it, with the other argument fixed.
        var byParameters = Grad<Dictionary<string, Tensor>>(q => DataLoss(q, x))(p);
        var byData = Grad((Tensor d) => DataLoss(p, d))(x);

        var g0 = Grad(DataLoss, argnums: 0)(p, x);
        Assertions.Close(byParameters["w"], g0["w"]);
        Assertions.Close(byParameters["b"], g0["b"]);
        Assert.IsType<Dictionary<string, Tensor>>(g0.Value);
        Assertions.Close(byData, Grad(DataLoss, argnums: 1)(p, x));
        var both = Grad(DataLoss, argnums: (1, 0))(p, x); // a tuple in argnums order, as JAX
        Assertions.Close(byData, both[0]);
        Assertions.Close(byParameters["w"], both[1]["w"]);

        // Jacobians and Hessians: the tree products of the one-argument forms.
        Assertions.Close(JacFwd((Tensor d) => DataLoss(p, d))(x), JacFwd(DataLoss, argnums: 1)(p, x));
        Assertions.Close(JacRev<Dictionary<string, Tensor>, Tensor>(q => DataLoss(q, x))(p)["b"], JacRev(DataLoss, argnums: 0)(p, x)["b"]);
        var hessian = Hessian(DataLoss, argnums: (0, 1))(p, x);
        var direct = Hessian<(Dictionary<string, Tensor>, Tensor), Tensor>(t => DataLoss(t.Item1, t.Item2))((p, x));
        Assertions.Close(direct[0]["w"][1], hessian[0]["w"][1]); // ∂²L/∂w∂x
        Assertions.Close(direct[1][1], hessian[1][1]);
        // ∂²L/∂w∂x by hand: 2(2w·x + b − y) on the diagonal.
        Assertions.Close(Diag(2.0 * (2.0 * p["w"] * x + p["b"] - Array(1.0, 0.5))), hessian[0]["w"][1], 1e-14);
        CheckGrads(q => Grad(DataLoss, argnums: 1)(q, x).Tensor.Sum(), p, order: 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => Grad(DataLoss, argnums: 2));
    }
}
