using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Toolbox;

public class VmapTests
{
    private static readonly Tensor X = Array([0.3, -1.2, 0.8, 2.0, -0.5, 1.1, 0.2, 0.7, -2.1, 1.5, 0.9, -0.4], 4, 3);

    /// <summary>The loop that Vmap replaces: f applied to each slice along axis 0, stacked.</summary>
    private static Tensor Loop(Func<Tensor, Tensor> f, Tensor x) => Stack(Enumerable.Range(0, x.Shape[0]).Select(i => f(x[i])));

    /// <summary>JAX's per-example gradients: vmap(grad(loss), in_axes=(None, 0, 0)) for a linear model's squared loss.</summary>
    [Fact]
    public void PerExampleGradientsMatchALoopOverExamples()
    {
        var w = Array(0.5, -0.25, 1.0);
        var targets = Array(1.0, -1.0, 0.5, 2.0);
        Tensor Loss(Tensor[] a) => Square(Tanh(Dot(a[1], a[0])) - a[2]);
        var perExample = Vmap(a => Grad((Tensor wv) => Loss([wv, a[1], a[2]]))(a[0]), [null, 0, 0]);
        var grads = perExample([w, X, targets]);
        Assert.Equal(new[] { 4, 3 }, grads.Shape);
        for (int i = 0; i < 4; i++)
            Assertions.Close(Grad((Tensor wv) => Loss([wv, X[i], targets[i]]))(w), grads[i], 1e-14, 1e-14);
        // Their mean is the gradient of the mean loss.
        Assertions.Close(Grad((Tensor wv) => Mean(Vmap((Tensor x, Tensor t) => Loss([wv, x, t]))(X, targets)))(w), Mean(grads, 0), 1e-13, 1e-14);
    }

    public static TheoryData<string> Bodies => ["elementwise", "reduction", "matmul", "concatenate", "slices", "where", "softmax", "cumsum"];

    private static Func<Tensor, Tensor> Body(string name) => name switch
    {
        "elementwise" => x => Sin(x) * x + Exp(x[0]),                    // broadcasting a batched scalar against a row
        "reduction" => x => Sum(x * x) + Max(x, 0),
        "matmul" => x => MatMul(Reshape(Arange(6), 2, 3), x) + Dot(x, x), // unbatched matrix times batched vector
        "concatenate" => x => Concatenate([x, Ones(2), Sin(x)]),
        "slices" => x => x[1..] * x[..^1] + Flip(x)[..2],
        "where" => x => Where(x > 0, x * x, Array(1.0, 2.0, 3.0)),
        "softmax" => x => Softmax(x) + Logsumexp(x),
        "cumsum" => x => Cumsum(x * x) + Prod(x),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void VmapEqualsTheLoopAndComposesWithGradJacobiansAndJit(string name)
    {
        var f = Body(name);
        Assertions.Close(Loop(f, X), Vmap(f)(X), 1e-14, 1e-14);
        Assertions.Close(Loop(f, X), Jit(Vmap(f))(X), 1e-14, 1e-14);
        // Vmap(Grad), Vmap(JacFwd), Vmap(Hessian) against loops of the same.
        Func<Tensor, Tensor> scalar = x => Sum(Sin(f(x)));
        Assertions.Close(Loop(Grad(scalar), X), Vmap(Grad(scalar))(X), 1e-13, 1e-13);
        Assertions.Close(Loop(JacFwd(f), X), Vmap(JacFwd(f))(X), 1e-13, 1e-13);
        Assertions.Close(Loop(Hessian(scalar), X), Vmap(Hessian(scalar))(X), 1e-12, 1e-12);
        // Grad(Vmap): the gradient of a sum over the batch is the stack of per-example gradients.
        Assertions.Close(Loop(Grad(scalar), X), Grad((Tensor x) => Sum(Vmap(scalar)(x)))(X), 1e-13, 1e-13);
        Assertions.Close(Loop(Grad(scalar), X), Jit(Grad((Tensor x) => Sum(Vmap(scalar)(x))))(X), 1e-13, 1e-13);
        CheckGrads(x => Sum(Sin(Vmap(f)(x))), X, order: 2);
    }

    [Fact]
    public void AxesAndNesting()
    {
        Func<Tensor, Tensor> rowSum = x => Sum(x * x);
        Assertions.Close(Sum(X * X, 0), Vmap(rowSum, inAxes: 1)(X));
        Assertions.Close(Transpose(Loop(Sin, X)), Vmap(Sin, inAxes: 0, outAxes: 1)(X));
        // Vmap(Vmap(f)) maps both axes: here an element-wise function.
        Assertions.Close(Sin(X) * X, Vmap(Vmap(x => Sin(x) * x))(X));
        // An output that ignores the batch is broadcast over it.
        Assertions.Close(Ones(4, 2), Vmap((Tensor x) => Ones(2))(X));
        var error = Assert.Throws<ShapeException>(() => Vmap((Tensor a, Tensor b) => a + b)(Ones(3), Ones(4)));
        Assert.Contains("(4,)", error.Message);
    }

    [Fact]
    public void VmapOfCustomRulesKeepsTheRules()
    {
        // The deliberately wrong rule 3·dx shows that it survives vmap under Grad, Jvp and JacRev.
        var f = CustomJvp(x => Sin(x), (x, dx) => (Sin(x), 3.0 * dx));
        var x = Array(0.1, 0.2, 0.3);
        Assertions.Close(3.0 * Ones(3), Grad((Tensor v) => Sum(Vmap(f)(v)))(x));
        Assertions.Close(3.0 * Ones(3), Vmap(Grad(f))(x));
        Assertions.Close(3.0 * Eye(3), JacRev(Vmap(f))(x));
        Assertions.Close(3.0 * Eye(3), JacFwd(Vmap(f))(x));
        var g = CustomVjp(v => Sum(v * v), v => (Sum(v * v), v), (v, ct) => ct * 10.0 * v);
        Assertions.Close(10.0 * X, Grad((Tensor v) => Sum(Vmap(g)(v)))(X));
        // d out_b / d X_c = 10·X_b where b = c, zero elsewhere.
        Assertions.Close(Reshape(Eye(4), 4, 4, 1) * Reshape(10.0 * X, 4, 1, 3), JacRev(Vmap(g))(X));
    }
}
