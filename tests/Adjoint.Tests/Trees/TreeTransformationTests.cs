using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Trees;

public class TreeTransformationTests
{
    private static Dictionary<string, Tensor> Params(double a0, double a1, double b0, double b1) =>
        new() { ["a"] = Array(a0, a1), ["b"] = Array(b0, b1) };

    [Fact]
    public void JaxHessianDocumentationExample()
    {
        Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>> f = dct => new() { ["c"] = Pow(dct["a"], dct["b"]) };
        var h = Hessian(f)(Params(1, 2, 2, 3));
        Assertions.Close(Array(new double[,,] { { { 2, 0 }, { 0, 0 } }, { { 0, 0 }, { 0, 12 } } }), h["c"]["a"]["a"], 0, 1e-6);
        var ab = Array(new double[,,] { { { 1, 0 }, { 0, 0 } }, { { 0, 0 }, { 0, 12.317766 } } });
        Assertions.Close(ab, h["c"]["a"]["b"], 0, 1e-6);
        Assertions.Close(ab, h["c"]["b"]["a"], 0, 1e-6);
        Assertions.Close(Array(new double[,,] { { { 0, 0 }, { 0, 0 } }, { { 0, 0 }, { 0, 3.843624 } } }), h["c"]["b"]["b"], 0, 1e-6);
        // The result is made of ordinary containers, keys sorted as JAX does.
        Assert.IsType<Dictionary<string, object>>(h.Value);
        Assert.Equal(["a", "b"], h["c"].Keys);
    }

    /// <summary>x = (vector (3,), matrix (2, 2)); f(x) = {"s": scalar, "v": vector (2,)}.</summary>
    private static Dictionary<string, Tensor> Mixed((Tensor V, Tensor M) x) => new()
    {
        ["s"] = Sum(Sin(x.V)) * Sum(x.M * x.M),
        ["v"] = MatMul(x.M, x.V[..2]) + Exp(x.V[2]),
    };

    private static readonly (Tensor, Tensor) MixedPoint = (Array(0.1, -0.4, 0.7), Array(new double[,] { { 1.0, 2.0 }, { -0.5, 0.3 } }));

    [Fact]
    public void JacobianLeavesFollowTheTreeProductRule()
    {
        Func<(Tensor, Tensor), Dictionary<string, Tensor>> f = x => Mixed(x);
        var forward = JacFwd(f)(MixedPoint);
        var reverse = JacRev(f)(MixedPoint);
        int[][][] expected = [[[3], [2, 2]], [[2, 3], [2, 2, 2]]];
        string[] outputs = ["s", "v"];
        for (int k = 0; k < 2; k++)
            for (int j = 0; j < 2; j++)
            {
                Tensor fwd = forward[outputs[k]][j], rev = reverse[outputs[k]][j];
                Assert.Equal(expected[k][j], fwd.Shape);
                Assertions.Close(fwd, rev, 1e-12, 1e-12);
            }
    }

    [Fact]
    public void HessianLeavesFollowTheTreeProductRuleAndAreSymmetric()
    {
        Func<(Tensor, Tensor), Dictionary<string, Tensor>> f = x => Mixed(x);
        var h = Hessian(f)(MixedPoint);
        int[][] inputs = [[3], [2, 2]];
        foreach (var (key, outShape) in new[] { ("s", System.Array.Empty<int>()), ("v", [2]) })
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    Assert.Equal([.. outShape, .. inputs[i], .. inputs[j]], ((Tensor)h[key][i][j]).Shape);
        // ∂²s/∂V∂M and ∂²s/∂M∂V are transposes of each other, exactly (Hessian mirrors one of them), as are the two
        // halves of a diagonal block, for each output.
        Assert.Equal(((Tensor)h["s"][1][0]).ToArray(), Transpose(h["s"][0][1], 1, 2, 0).ToArray());
        Assert.Equal(((Tensor)h["v"][1][0]).ToArray(), Transpose(h["v"][0][1], 0, 2, 3, 1).ToArray());
        Assert.Equal(((Tensor)h["s"][1][1]).ToArray(), Transpose(h["s"][1][1], 2, 3, 0, 1).ToArray());
        Assert.Equal(((Tensor)h["v"][1][1]).ToArray(), Transpose(h["v"][1][1], 0, 3, 4, 1, 2).ToArray());
        // Against the flat Hessian of s over the 7 parameters packed in one vector.
        var flat = Hessian((Tensor p) => Mixed((p[..3], Reshape(p[3..], 2, 2)))["s"])(Concatenate([MixedPoint.Item1, Reshape(MixedPoint.Item2, 4)]));
        Assertions.Close(flat[..3, ..3], h["s"][0][0], 1e-12, 1e-12);
        Assertions.Close(Reshape(flat[..3, 3..], 3, 2, 2), h["s"][0][1], 1e-12, 1e-12);
    }

    [Fact]
    public void HessianOfADictionaryOfScalars()
    {
        Func<Dictionary<string, Tensor>, Tensor> f = p => p["x"] * p["x"] * p["y"] + Sin(p["y"]);
        var h = Hessian(f)(new Dictionary<string, Tensor> { ["y"] = 0.5, ["x"] = 2.0 });
        Assert.Empty(((Tensor)h["x"]["y"]).Shape);
        Assertions.Close(2 * 0.5, ((Tensor)h["x"]["x"]).Item);
        Assertions.Close(2 * 2.0, ((Tensor)h["x"]["y"]).Item);
        Assertions.Close(2 * 2.0, ((Tensor)h["y"]["x"]).Item);
        Assertions.Close(-Math.Sin(0.5), ((Tensor)h["y"]["y"]).Item);
    }

    [Fact]
    public void ATreeHessianIsExactlySymmetricWhereForwardOverReverseIsNot()
    {
        Func<Dictionary<string, Tensor>, Tensor> f = p => Sum(Exp(p["a"] * p["b"][0]) * Tanh(p["b"] * p["a"][1] + p["a"][0]) / (1 + p["b"] * p["b"]));
        var x = new Dictionary<string, Tensor> { ["a"] = Array(0.3, -0.8), ["b"] = Array(1.1, 0.4) };
        var h = Hessian(f)(x);
        Tensor Block(string i, string j) => (Tensor)h[i][j];
        Assert.Equal(Block("a", "b").ToArray(), Transpose(Block("b", "a")).ToArray());
        Assert.Equal(Block("a", "a").ToArray(), Transpose(Block("a", "a")).ToArray());
        Assert.Equal(Block("b", "b").ToArray(), Transpose(Block("b", "b")).ToArray());
        // The same function of one packed vector: its Hessian mirrors the same entries.
        var flat = Hessian((Tensor v) => f(new Dictionary<string, Tensor> { ["a"] = v[..2], ["b"] = v[2..] }))(Array(0.3, -0.8, 1.1, 0.4));
        Assertions.Close(flat[2.., ..2], Block("b", "a"), 1e-14, 1e-14);
    }

    [Fact]
    public void GradReturnsATreeOfTheArgumentsTypeAndStructure()
    {
        Func<Dictionary<string, Tensor>, Tensor> f = p => Sum(p["a"] * p["b"]);
        Dictionary<string, Tensor> g = Grad(f)(Params(1, 2, 3, 4));
        Assertions.Close(Array(3.0, 4.0), g["a"]);
        Assertions.Close(Array(1.0, 2.0), g["b"]);
        var e = Assert.Throws<ShapeException>(() => Grad((Dictionary<string, Tensor> p) => p["a"])(Params(1, 2, 3, 4)));
        Assert.Contains("grad requires a scalar-output function, but the output has shape (2,)", e.Message);
    }

    [Fact]
    public void JvpAndVjpOfTrees()
    {
        Func<(Tensor, Tensor), Dictionary<string, Tensor>> f = x => Mixed(x);
        var tangent = (Array(1.0, 0.5, -1.0), Array(new double[,] { { 0.2, 0.0 }, { 1.0, -0.3 } }));
        var (value, jv) = Jvp(f, MixedPoint, tangent);
        Assertions.Close(Mixed(MixedPoint)["v"], value["v"]);
        // J·t from the Jacobian blocks.
        var jac = JacFwd(f)(MixedPoint);
        var expected = MatMul(jac["v"][0], tangent.Item1) + Sum(jac["v"][1] * tangent.Item2, [1, 2]);
        Assertions.Close(expected, jv["v"], 1e-12, 1e-12);

        var (_, pullback) = Vjp(f, MixedPoint);
        var (gv, gm) = pullback(new Dictionary<string, Tensor> { ["s"] = 1.0, ["v"] = Zeros(2) });
        Assertions.Close(jac["s"][0], gv, 1e-12, 1e-12);
        Assertions.Close(jac["s"][1], gm, 1e-12, 1e-12);
        var e = Assert.Throws<ArgumentException>(() => pullback(new Dictionary<string, Tensor> { ["s"] = 1.0 }));
        Assert.Contains("the cotangent has structure {'s': *}, but the output has structure {'s': *, 'v': *}", e.Message);
    }

    [Fact]
    public void JitOfATreeFunctionMatchesEagerAndComposes()
    {
        Func<(Tensor, Tensor), Dictionary<string, Tensor>> f = x => Mixed(x);
        var jitted = Jit(f);
        for (int call = 0; call < 2; call++)
            Assertions.Close(Mixed(MixedPoint)["v"], jitted(MixedPoint)["v"], 1e-14, 1e-14);
        Assertions.Close(JacFwd(f)(MixedPoint)["s"][1], JacFwd(jitted)(MixedPoint)["s"][1], 1e-12, 1e-12);
    }

    [Fact]
    public void TheFlatOverloadsAreStillChosenForTensorFunctions()
    {
        // Non-generic overloads win: the results are Tensors, not Trees.
        Tensor h = Hessian(Models.Toy)(Array(1.0, 0.0));
        Tensor g = Grad((Tensor x) => Sum(x * x))(Array(1.0, 2.0));
        Assertions.Close(Array(2.0, 4.0), g);
        Assertions.Close(Array(new double[,] { { -4, 0 }, { 0, 2 } }), h);
        // A function returning (value, aux) keeps meaning has_aux.
        var (jacobian, aux) = JacFwd((Tensor x) => (Sin(x), "aux"))(Array(0.0));
        Assertions.Close(Array(new double[,] { { 1.0 } }), jacobian);
        Assert.Equal("aux", aux);
        // Method groups with double arguments convert to Tensor, as before.
        var (value, tangent) = Jvp(Sin, 0.0, 1.0);
        Assertions.Close(1.0, tangent.Item);
        Assertions.Close(0.0, value.Item);
        var (_, pullback) = Vjp(Sin, 0.0);
        Assertions.Close(1.0, pullback(1.0).Item);
    }

    [Fact]
    public void ADoubleTypedArgumentCannotCarryTracedValues()
    {
        Func<Dictionary<string, double>, Tensor> f = p => p["x"] * p["x"];
        var e = Assert.Throws<ArgumentException>(() => Grad(f)(new Dictionary<string, double> { ["x"] = 1.0 }));
        Assert.Contains("has type Dictionary<string, double>", e.Message);
        Assert.Contains("Use Tensor leaves", e.Message);
    }
}
