// The typed forms of the transformations: functions of 1 to 4 tensors, argnums as an int (result:
// a tensor) or as a tuple (result: a tuple in argnums order), as jax.grad(f, argnums=(0, 1)) does.
// Each overload only adapts its arguments to the general forms in Ad.cs.
namespace Adjoint;

public static partial class Ad
{
    // ------------------------------------------------------------ Jvp and Vjp

    /// <summary>Forward mode: f(x) and its directional derivative J·t, in one pass.</summary>
    public static (Tensor Value, Tensor Tangent) Jvp(Func<Tensor, Tensor> f, Tensor primal, Tensor tangent)
    {
        var (ys, ts) = JvpCore(a => [f(a[0])], [primal], [tangent], []);
        return (ys[0], ts[0]);
    }

    /// <summary>Reverse mode: f(x) and the pullback ȳ ↦ ȳᵀ·J (the vector–Jacobian product).</summary>
    public static (Tensor Value, Func<Tensor, Tensor> Pullback) Vjp(Func<Tensor, Tensor> f, Tensor primal)
    {
        var (ys, pullback) = VjpCore(a => [f(a[0])], [primal], [0]);
        return (ys[0], ct => pullback([ct])[0]);
    }

    /// <summary>Forward mode for a function of 2 arguments: f(x) and J·t.</summary>
    public static (Tensor Value, Tensor Tangent) Jvp(Func<Tensor, Tensor, Tensor> f, (Tensor, Tensor) primals, (Tensor, Tensor) tangents)
    {
        var (ys, ts) = JvpCore(a => [f(a[0], a[1])], [primals.Item1, primals.Item2], [tangents.Item1, tangents.Item2], []);
        return (ys[0], ts[0]);
    }

    /// <summary>Reverse mode for a function of 2 arguments: f(x) and the pullback giving the cotangent of each argument.</summary>
    public static (Tensor Value, Func<Tensor, (Tensor, Tensor)> Pullback) Vjp(Func<Tensor, Tensor, Tensor> f, Tensor x1, Tensor x2)
    {
        var (ys, pullback) = VjpCore(a => [f(a[0], a[1])], [x1, x2], [0, 1]);
        return (ys[0], ct => { var g = pullback([ct]); return (g[0], g[1]); });
    }

    /// <summary>Forward mode for a function of 3 arguments: f(x) and J·t.</summary>
    public static (Tensor Value, Tensor Tangent) Jvp(Func<Tensor, Tensor, Tensor, Tensor> f, (Tensor, Tensor, Tensor) primals, (Tensor, Tensor, Tensor) tangents)
    {
        var (ys, ts) = JvpCore(a => [f(a[0], a[1], a[2])], [primals.Item1, primals.Item2, primals.Item3], [tangents.Item1, tangents.Item2, tangents.Item3], []);
        return (ys[0], ts[0]);
    }

    /// <summary>Reverse mode for a function of 3 arguments: f(x) and the pullback giving the cotangent of each argument.</summary>
    public static (Tensor Value, Func<Tensor, (Tensor, Tensor, Tensor)> Pullback) Vjp(Func<Tensor, Tensor, Tensor, Tensor> f, Tensor x1, Tensor x2, Tensor x3)
    {
        var (ys, pullback) = VjpCore(a => [f(a[0], a[1], a[2])], [x1, x2, x3], [0, 1, 2]);
        return (ys[0], ct => { var g = pullback([ct]); return (g[0], g[1], g[2]); });
    }

    /// <summary>Forward mode for a function of 4 arguments: f(x) and J·t.</summary>
    public static (Tensor Value, Tensor Tangent) Jvp(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (Tensor, Tensor, Tensor, Tensor) primals, (Tensor, Tensor, Tensor, Tensor) tangents)
    {
        var (ys, ts) = JvpCore(a => [f(a[0], a[1], a[2], a[3])], [primals.Item1, primals.Item2, primals.Item3, primals.Item4], [tangents.Item1, tangents.Item2, tangents.Item3, tangents.Item4], []);
        return (ys[0], ts[0]);
    }

    /// <summary>Reverse mode for a function of 4 arguments: f(x) and the pullback giving the cotangent of each argument.</summary>
    public static (Tensor Value, Func<Tensor, (Tensor, Tensor, Tensor, Tensor)> Pullback) Vjp(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, Tensor x1, Tensor x2, Tensor x3, Tensor x4)
    {
        var (ys, pullback) = VjpCore(a => [f(a[0], a[1], a[2], a[3])], [x1, x2, x3, x4], [0, 1, 2, 3]);
        return (ys[0], ct => { var g = pullback([ct]); return (g[0], g[1], g[2], g[3]); });
    }

    // ------------------------------------------------------------ Grad

    /// <summary>The gradient of a scalar function.</summary>
    public static Func<Tensor, Tensor> Grad(Func<Tensor, Tensor> f)
    {
        int[] nums = [0];
        return x1 => { var g = GradCore(a => f(a[0]), [x1], nums).Gradients; return g[0]; };
    }

    /// <summary>The gradient of a scalar function.</summary>
    public static Func<Tensor, Tensor, Tensor> Grad(Func<Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(2, argnums);
        return (x1, x2) => { var g = GradCore(a => f(a[0], a[1]), [x1, x2], nums).Gradients; return g[0]; };
    }

    /// <summary>The gradient of a scalar function.</summary>
    public static Func<Tensor, Tensor, (Tensor, Tensor)> Grad(Func<Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(2, argnums.Item1, argnums.Item2);
        return (x1, x2) => { var g = GradCore(a => f(a[0], a[1]), [x1, x2], nums).Gradients; return (g[0], g[1]); };
    }

    /// <summary>The gradient of a scalar function.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor> Grad(Func<Tensor, Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(3, argnums);
        return (x1, x2, x3) => { var g = GradCore(a => f(a[0], a[1], a[2]), [x1, x2, x3], nums).Gradients; return g[0]; };
    }

    /// <summary>The gradient of a scalar function.</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor, Tensor)> Grad(Func<Tensor, Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(3, argnums.Item1, argnums.Item2);
        return (x1, x2, x3) => { var g = GradCore(a => f(a[0], a[1], a[2]), [x1, x2, x3], nums).Gradients; return (g[0], g[1]); };
    }

    /// <summary>The gradient of a scalar function.</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor, Tensor, Tensor)> Grad(Func<Tensor, Tensor, Tensor, Tensor> f, (int, int, int) argnums)
    {
        var nums = CheckArgnums(3, argnums.Item1, argnums.Item2, argnums.Item3);
        return (x1, x2, x3) => { var g = GradCore(a => f(a[0], a[1], a[2]), [x1, x2, x3], nums).Gradients; return (g[0], g[1], g[2]); };
    }

    /// <summary>The gradient of a scalar function.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, Tensor> Grad(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(4, argnums);
        return (x1, x2, x3, x4) => { var g = GradCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums).Gradients; return g[0]; };
    }

    /// <summary>The gradient of a scalar function.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor, Tensor)> Grad(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2);
        return (x1, x2, x3, x4) => { var g = GradCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums).Gradients; return (g[0], g[1]); };
    }

    /// <summary>The gradient of a scalar function.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor, Tensor, Tensor)> Grad(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2, argnums.Item3);
        return (x1, x2, x3, x4) => { var g = GradCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums).Gradients; return (g[0], g[1], g[2]); };
    }

    /// <summary>The gradient of a scalar function.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor, Tensor, Tensor, Tensor)> Grad(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int, int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2, argnums.Item3, argnums.Item4);
        return (x1, x2, x3, x4) => { var g = GradCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums).Gradients; return (g[0], g[1], g[2], g[3]); };
    }

    // ------------------------------------------------------------ ValueAndGrad

    /// <summary>The value and the gradient of a scalar function, in one pass.</summary>
    public static Func<Tensor, (Tensor Value, Tensor Gradient)> ValueAndGrad(Func<Tensor, Tensor> f)
    {
        int[] nums = [0];
        return x1 => { var r = GradCore(a => f(a[0]), [x1], nums, "value_and_grad"); return (r.Value, r.Gradients[0]); };
    }

    /// <summary>The value and the gradient of a scalar function, in one pass.</summary>
    public static Func<Tensor, Tensor, (Tensor Value, Tensor Gradient)> ValueAndGrad(Func<Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(2, argnums);
        return (x1, x2) => { var r = GradCore(a => f(a[0], a[1]), [x1, x2], nums, "value_and_grad"); return (r.Value, r.Gradients[0]); };
    }

    /// <summary>The value and the gradient of a scalar function, in one pass.</summary>
    public static Func<Tensor, Tensor, (Tensor Value, (Tensor, Tensor) Gradient)> ValueAndGrad(Func<Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(2, argnums.Item1, argnums.Item2);
        return (x1, x2) => { var r = GradCore(a => f(a[0], a[1]), [x1, x2], nums, "value_and_grad"); return (r.Value, (r.Gradients[0], r.Gradients[1])); };
    }

    /// <summary>The value and the gradient of a scalar function, in one pass.</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor Value, Tensor Gradient)> ValueAndGrad(Func<Tensor, Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(3, argnums);
        return (x1, x2, x3) => { var r = GradCore(a => f(a[0], a[1], a[2]), [x1, x2, x3], nums, "value_and_grad"); return (r.Value, r.Gradients[0]); };
    }

    /// <summary>The value and the gradient of a scalar function, in one pass.</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor Value, (Tensor, Tensor) Gradient)> ValueAndGrad(Func<Tensor, Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(3, argnums.Item1, argnums.Item2);
        return (x1, x2, x3) => { var r = GradCore(a => f(a[0], a[1], a[2]), [x1, x2, x3], nums, "value_and_grad"); return (r.Value, (r.Gradients[0], r.Gradients[1])); };
    }

    /// <summary>The value and the gradient of a scalar function, in one pass.</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor Value, (Tensor, Tensor, Tensor) Gradient)> ValueAndGrad(Func<Tensor, Tensor, Tensor, Tensor> f, (int, int, int) argnums)
    {
        var nums = CheckArgnums(3, argnums.Item1, argnums.Item2, argnums.Item3);
        return (x1, x2, x3) => { var r = GradCore(a => f(a[0], a[1], a[2]), [x1, x2, x3], nums, "value_and_grad"); return (r.Value, (r.Gradients[0], r.Gradients[1], r.Gradients[2])); };
    }

    /// <summary>The value and the gradient of a scalar function, in one pass.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor Value, Tensor Gradient)> ValueAndGrad(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(4, argnums);
        return (x1, x2, x3, x4) => { var r = GradCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums, "value_and_grad"); return (r.Value, r.Gradients[0]); };
    }

    /// <summary>The value and the gradient of a scalar function, in one pass.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor Value, (Tensor, Tensor) Gradient)> ValueAndGrad(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2);
        return (x1, x2, x3, x4) => { var r = GradCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums, "value_and_grad"); return (r.Value, (r.Gradients[0], r.Gradients[1])); };
    }

    /// <summary>The value and the gradient of a scalar function, in one pass.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor Value, (Tensor, Tensor, Tensor) Gradient)> ValueAndGrad(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2, argnums.Item3);
        return (x1, x2, x3, x4) => { var r = GradCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums, "value_and_grad"); return (r.Value, (r.Gradients[0], r.Gradients[1], r.Gradients[2])); };
    }

    /// <summary>The value and the gradient of a scalar function, in one pass.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor Value, (Tensor, Tensor, Tensor, Tensor) Gradient)> ValueAndGrad(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int, int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2, argnums.Item3, argnums.Item4);
        return (x1, x2, x3, x4) => { var r = GradCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums, "value_and_grad"); return (r.Value, (r.Gradients[0], r.Gradients[1], r.Gradients[2], r.Gradients[3])); };
    }

    // ------------------------------------------------------------ JacFwd

    /// <summary>The Jacobian by forward mode (the whole basis pushed in one pass).</summary>
    public static Func<Tensor, Tensor> JacFwd(Func<Tensor, Tensor> f)
    {
        int[] nums = [0];
        return x1 => { var j = JacFwdCore(a => [f(a[0])], [x1], nums); return j[0][0]; };
    }

    /// <summary>The Jacobian by forward mode (the whole basis pushed in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor> JacFwd(Func<Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(2, argnums);
        return (x1, x2) => { var j = JacFwdCore(a => [f(a[0], a[1])], [x1, x2], nums); return j[0][0]; };
    }

    /// <summary>The Jacobian by forward mode (the whole basis pushed in one pass).</summary>
    public static Func<Tensor, Tensor, (Tensor, Tensor)> JacFwd(Func<Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(2, argnums.Item1, argnums.Item2);
        return (x1, x2) => { var j = JacFwdCore(a => [f(a[0], a[1])], [x1, x2], nums); return (j[0][0], j[0][1]); };
    }

    /// <summary>The Jacobian by forward mode (the whole basis pushed in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor> JacFwd(Func<Tensor, Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(3, argnums);
        return (x1, x2, x3) => { var j = JacFwdCore(a => [f(a[0], a[1], a[2])], [x1, x2, x3], nums); return j[0][0]; };
    }

    /// <summary>The Jacobian by forward mode (the whole basis pushed in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor, Tensor)> JacFwd(Func<Tensor, Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(3, argnums.Item1, argnums.Item2);
        return (x1, x2, x3) => { var j = JacFwdCore(a => [f(a[0], a[1], a[2])], [x1, x2, x3], nums); return (j[0][0], j[0][1]); };
    }

    /// <summary>The Jacobian by forward mode (the whole basis pushed in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor, Tensor, Tensor)> JacFwd(Func<Tensor, Tensor, Tensor, Tensor> f, (int, int, int) argnums)
    {
        var nums = CheckArgnums(3, argnums.Item1, argnums.Item2, argnums.Item3);
        return (x1, x2, x3) => { var j = JacFwdCore(a => [f(a[0], a[1], a[2])], [x1, x2, x3], nums); return (j[0][0], j[0][1], j[0][2]); };
    }

    /// <summary>The Jacobian by forward mode (the whole basis pushed in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, Tensor> JacFwd(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(4, argnums);
        return (x1, x2, x3, x4) => { var j = JacFwdCore(a => [f(a[0], a[1], a[2], a[3])], [x1, x2, x3, x4], nums); return j[0][0]; };
    }

    /// <summary>The Jacobian by forward mode (the whole basis pushed in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor, Tensor)> JacFwd(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2);
        return (x1, x2, x3, x4) => { var j = JacFwdCore(a => [f(a[0], a[1], a[2], a[3])], [x1, x2, x3, x4], nums); return (j[0][0], j[0][1]); };
    }

    /// <summary>The Jacobian by forward mode (the whole basis pushed in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor, Tensor, Tensor)> JacFwd(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2, argnums.Item3);
        return (x1, x2, x3, x4) => { var j = JacFwdCore(a => [f(a[0], a[1], a[2], a[3])], [x1, x2, x3, x4], nums); return (j[0][0], j[0][1], j[0][2]); };
    }

    /// <summary>The Jacobian by forward mode (the whole basis pushed in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor, Tensor, Tensor, Tensor)> JacFwd(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int, int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2, argnums.Item3, argnums.Item4);
        return (x1, x2, x3, x4) => { var j = JacFwdCore(a => [f(a[0], a[1], a[2], a[3])], [x1, x2, x3, x4], nums); return (j[0][0], j[0][1], j[0][2], j[0][3]); };
    }

    // ------------------------------------------------------------ JacRev

    /// <summary>The Jacobian by reverse mode (the whole basis pulled back in one pass).</summary>
    public static Func<Tensor, Tensor> JacRev(Func<Tensor, Tensor> f)
    {
        int[] nums = [0];
        return x1 => { var j = JacRevCore(a => [f(a[0])], [x1], nums); return j[0][0]; };
    }

    /// <summary>The Jacobian by reverse mode (the whole basis pulled back in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor> JacRev(Func<Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(2, argnums);
        return (x1, x2) => { var j = JacRevCore(a => [f(a[0], a[1])], [x1, x2], nums); return j[0][0]; };
    }

    /// <summary>The Jacobian by reverse mode (the whole basis pulled back in one pass).</summary>
    public static Func<Tensor, Tensor, (Tensor, Tensor)> JacRev(Func<Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(2, argnums.Item1, argnums.Item2);
        return (x1, x2) => { var j = JacRevCore(a => [f(a[0], a[1])], [x1, x2], nums); return (j[0][0], j[0][1]); };
    }

    /// <summary>The Jacobian by reverse mode (the whole basis pulled back in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor> JacRev(Func<Tensor, Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(3, argnums);
        return (x1, x2, x3) => { var j = JacRevCore(a => [f(a[0], a[1], a[2])], [x1, x2, x3], nums); return j[0][0]; };
    }

    /// <summary>The Jacobian by reverse mode (the whole basis pulled back in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor, Tensor)> JacRev(Func<Tensor, Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(3, argnums.Item1, argnums.Item2);
        return (x1, x2, x3) => { var j = JacRevCore(a => [f(a[0], a[1], a[2])], [x1, x2, x3], nums); return (j[0][0], j[0][1]); };
    }

    /// <summary>The Jacobian by reverse mode (the whole basis pulled back in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor, Tensor, Tensor)> JacRev(Func<Tensor, Tensor, Tensor, Tensor> f, (int, int, int) argnums)
    {
        var nums = CheckArgnums(3, argnums.Item1, argnums.Item2, argnums.Item3);
        return (x1, x2, x3) => { var j = JacRevCore(a => [f(a[0], a[1], a[2])], [x1, x2, x3], nums); return (j[0][0], j[0][1], j[0][2]); };
    }

    /// <summary>The Jacobian by reverse mode (the whole basis pulled back in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, Tensor> JacRev(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(4, argnums);
        return (x1, x2, x3, x4) => { var j = JacRevCore(a => [f(a[0], a[1], a[2], a[3])], [x1, x2, x3, x4], nums); return j[0][0]; };
    }

    /// <summary>The Jacobian by reverse mode (the whole basis pulled back in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor, Tensor)> JacRev(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2);
        return (x1, x2, x3, x4) => { var j = JacRevCore(a => [f(a[0], a[1], a[2], a[3])], [x1, x2, x3, x4], nums); return (j[0][0], j[0][1]); };
    }

    /// <summary>The Jacobian by reverse mode (the whole basis pulled back in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor, Tensor, Tensor)> JacRev(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2, argnums.Item3);
        return (x1, x2, x3, x4) => { var j = JacRevCore(a => [f(a[0], a[1], a[2], a[3])], [x1, x2, x3, x4], nums); return (j[0][0], j[0][1], j[0][2]); };
    }

    /// <summary>The Jacobian by reverse mode (the whole basis pulled back in one pass).</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor, Tensor, Tensor, Tensor)> JacRev(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int, int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2, argnums.Item3, argnums.Item4);
        return (x1, x2, x3, x4) => { var j = JacRevCore(a => [f(a[0], a[1], a[2], a[3])], [x1, x2, x3, x4], nums); return (j[0][0], j[0][1], j[0][2], j[0][3]); };
    }

    // ------------------------------------------------------------ Hessian

    /// <summary>The Hessian, JacFwd(JacRev(f)): shape output + argument + argument.</summary>
    public static Func<Tensor, Tensor> Hessian(Func<Tensor, Tensor> f)
    {
        int[] nums = [0];
        return x1 => { var h = HessianCore(a => f(a[0]), [x1], nums); return h[0][0]; };
    }

    /// <summary>The Hessian, JacFwd(JacRev(f)): shape output + argument + argument.</summary>
    public static Func<Tensor, Tensor, Tensor> Hessian(Func<Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(2, argnums);
        return (x1, x2) => { var h = HessianCore(a => f(a[0], a[1]), [x1, x2], nums); return h[0][0]; };
    }

    /// <summary>The Hessian, JacFwd(JacRev(f)): shape output + argument + argument.</summary>
    public static Func<Tensor, Tensor, ((Tensor, Tensor), (Tensor, Tensor))> Hessian(Func<Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(2, argnums.Item1, argnums.Item2);
        return (x1, x2) => { var h = HessianCore(a => f(a[0], a[1]), [x1, x2], nums); return ((h[0][0], h[0][1]), (h[1][0], h[1][1])); };
    }

    /// <summary>The Hessian, JacFwd(JacRev(f)): shape output + argument + argument.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor> Hessian(Func<Tensor, Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(3, argnums);
        return (x1, x2, x3) => { var h = HessianCore(a => f(a[0], a[1], a[2]), [x1, x2, x3], nums); return h[0][0]; };
    }

    /// <summary>The Hessian, JacFwd(JacRev(f)): shape output + argument + argument.</summary>
    public static Func<Tensor, Tensor, Tensor, ((Tensor, Tensor), (Tensor, Tensor))> Hessian(Func<Tensor, Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(3, argnums.Item1, argnums.Item2);
        return (x1, x2, x3) => { var h = HessianCore(a => f(a[0], a[1], a[2]), [x1, x2, x3], nums); return ((h[0][0], h[0][1]), (h[1][0], h[1][1])); };
    }

    /// <summary>The Hessian, JacFwd(JacRev(f)): shape output + argument + argument.</summary>
    public static Func<Tensor, Tensor, Tensor, ((Tensor, Tensor, Tensor), (Tensor, Tensor, Tensor), (Tensor, Tensor, Tensor))> Hessian(Func<Tensor, Tensor, Tensor, Tensor> f, (int, int, int) argnums)
    {
        var nums = CheckArgnums(3, argnums.Item1, argnums.Item2, argnums.Item3);
        return (x1, x2, x3) => { var h = HessianCore(a => f(a[0], a[1], a[2]), [x1, x2, x3], nums); return ((h[0][0], h[0][1], h[0][2]), (h[1][0], h[1][1], h[1][2]), (h[2][0], h[2][1], h[2][2])); };
    }

    /// <summary>The Hessian, JacFwd(JacRev(f)): shape output + argument + argument.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, Tensor> Hessian(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, int argnums = 0)
    {
        var nums = CheckArgnums(4, argnums);
        return (x1, x2, x3, x4) => { var h = HessianCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums); return h[0][0]; };
    }

    /// <summary>The Hessian, JacFwd(JacRev(f)): shape output + argument + argument.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, ((Tensor, Tensor), (Tensor, Tensor))> Hessian(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2);
        return (x1, x2, x3, x4) => { var h = HessianCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums); return ((h[0][0], h[0][1]), (h[1][0], h[1][1])); };
    }

    /// <summary>The Hessian, JacFwd(JacRev(f)): shape output + argument + argument.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, ((Tensor, Tensor, Tensor), (Tensor, Tensor, Tensor), (Tensor, Tensor, Tensor))> Hessian(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2, argnums.Item3);
        return (x1, x2, x3, x4) => { var h = HessianCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums); return ((h[0][0], h[0][1], h[0][2]), (h[1][0], h[1][1], h[1][2]), (h[2][0], h[2][1], h[2][2])); };
    }

    /// <summary>The Hessian, JacFwd(JacRev(f)): shape output + argument + argument.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, ((Tensor, Tensor, Tensor, Tensor), (Tensor, Tensor, Tensor, Tensor), (Tensor, Tensor, Tensor, Tensor), (Tensor, Tensor, Tensor, Tensor))> Hessian(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (int, int, int, int) argnums)
    {
        var nums = CheckArgnums(4, argnums.Item1, argnums.Item2, argnums.Item3, argnums.Item4);
        return (x1, x2, x3, x4) => { var h = HessianCore(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4], nums); return ((h[0][0], h[0][1], h[0][2], h[0][3]), (h[1][0], h[1][1], h[1][2], h[1][3]), (h[2][0], h[2][1], h[2][2], h[2][3]), (h[3][0], h[3][1], h[3][2], h[3][3])); };
    }

    // ------------------------------------------------------------ has_aux forms

    /// <summary>Grad of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, (Tensor Gradient, TAux Aux)> Grad<TAux>(Func<Tensor, (Tensor, TAux)> f, bool hasAux = true)
    {
        int[] nums = [0];
        CheckHasAux(hasAux);
        return x1 =>
        {
            TAux aux = default!;
            var g = GradCore(a => { var (v, x) = f(a[0]); aux = x; return v; }, [x1], nums).Gradients;
            return (g[0], Finished(aux));
        };
    }

    /// <summary>Grad of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, (Tensor Gradient, TAux Aux)> Grad<TAux>(Func<Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(2, argnums);
        CheckHasAux(hasAux);
        return (x1, x2) =>
        {
            TAux aux = default!;
            var g = GradCore(a => { var (v, x) = f(a[0], a[1]); aux = x; return v; }, [x1, x2], nums).Gradients;
            return (g[0], Finished(aux));
        };
    }

    /// <summary>Grad of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor Gradient, TAux Aux)> Grad<TAux>(Func<Tensor, Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(3, argnums);
        CheckHasAux(hasAux);
        return (x1, x2, x3) =>
        {
            TAux aux = default!;
            var g = GradCore(a => { var (v, x) = f(a[0], a[1], a[2]); aux = x; return v; }, [x1, x2, x3], nums).Gradients;
            return (g[0], Finished(aux));
        };
    }

    /// <summary>Grad of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor Gradient, TAux Aux)> Grad<TAux>(Func<Tensor, Tensor, Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(4, argnums);
        CheckHasAux(hasAux);
        return (x1, x2, x3, x4) =>
        {
            TAux aux = default!;
            var g = GradCore(a => { var (v, x) = f(a[0], a[1], a[2], a[3]); aux = x; return v; }, [x1, x2, x3, x4], nums).Gradients;
            return (g[0], Finished(aux));
        };
    }

    /// <summary>ValueAndGrad of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, ((Tensor Value, TAux Aux) Value, Tensor Gradient)> ValueAndGrad<TAux>(Func<Tensor, (Tensor, TAux)> f, bool hasAux = true)
    {
        int[] nums = [0];
        CheckHasAux(hasAux);
        return x1 =>
        {
            TAux aux = default!;
            var r = GradCore(a => { var (v, x) = f(a[0]); aux = x; return v; }, [x1], nums, "value_and_grad");
            return ((r.Value, Finished(aux)), r.Gradients[0]);
        };
    }

    /// <summary>ValueAndGrad of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, ((Tensor Value, TAux Aux) Value, Tensor Gradient)> ValueAndGrad<TAux>(Func<Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(2, argnums);
        CheckHasAux(hasAux);
        return (x1, x2) =>
        {
            TAux aux = default!;
            var r = GradCore(a => { var (v, x) = f(a[0], a[1]); aux = x; return v; }, [x1, x2], nums, "value_and_grad");
            return ((r.Value, Finished(aux)), r.Gradients[0]);
        };
    }

    /// <summary>ValueAndGrad of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, Tensor, ((Tensor Value, TAux Aux) Value, Tensor Gradient)> ValueAndGrad<TAux>(Func<Tensor, Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(3, argnums);
        CheckHasAux(hasAux);
        return (x1, x2, x3) =>
        {
            TAux aux = default!;
            var r = GradCore(a => { var (v, x) = f(a[0], a[1], a[2]); aux = x; return v; }, [x1, x2, x3], nums, "value_and_grad");
            return ((r.Value, Finished(aux)), r.Gradients[0]);
        };
    }

    /// <summary>ValueAndGrad of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, ((Tensor Value, TAux Aux) Value, Tensor Gradient)> ValueAndGrad<TAux>(Func<Tensor, Tensor, Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(4, argnums);
        CheckHasAux(hasAux);
        return (x1, x2, x3, x4) =>
        {
            TAux aux = default!;
            var r = GradCore(a => { var (v, x) = f(a[0], a[1], a[2], a[3]); aux = x; return v; }, [x1, x2, x3, x4], nums, "value_and_grad");
            return ((r.Value, Finished(aux)), r.Gradients[0]);
        };
    }

    /// <summary>JacFwd of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, (Tensor Jacobian, TAux Aux)> JacFwd<TAux>(Func<Tensor, (Tensor, TAux)> f, bool hasAux = true)
    {
        int[] nums = [0];
        CheckHasAux(hasAux);
        return x1 =>
        {
            TAux aux = default!;
            var j = JacFwdCore(a => { var (v, x) = f(a[0]); aux = x; return [v]; }, [x1], nums);
            return (j[0][0], Finished(aux));
        };
    }

    /// <summary>JacFwd of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, (Tensor Jacobian, TAux Aux)> JacFwd<TAux>(Func<Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(2, argnums);
        CheckHasAux(hasAux);
        return (x1, x2) =>
        {
            TAux aux = default!;
            var j = JacFwdCore(a => { var (v, x) = f(a[0], a[1]); aux = x; return [v]; }, [x1, x2], nums);
            return (j[0][0], Finished(aux));
        };
    }

    /// <summary>JacFwd of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor Jacobian, TAux Aux)> JacFwd<TAux>(Func<Tensor, Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(3, argnums);
        CheckHasAux(hasAux);
        return (x1, x2, x3) =>
        {
            TAux aux = default!;
            var j = JacFwdCore(a => { var (v, x) = f(a[0], a[1], a[2]); aux = x; return [v]; }, [x1, x2, x3], nums);
            return (j[0][0], Finished(aux));
        };
    }

    /// <summary>JacFwd of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor Jacobian, TAux Aux)> JacFwd<TAux>(Func<Tensor, Tensor, Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(4, argnums);
        CheckHasAux(hasAux);
        return (x1, x2, x3, x4) =>
        {
            TAux aux = default!;
            var j = JacFwdCore(a => { var (v, x) = f(a[0], a[1], a[2], a[3]); aux = x; return [v]; }, [x1, x2, x3, x4], nums);
            return (j[0][0], Finished(aux));
        };
    }

    /// <summary>JacRev of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, (Tensor Jacobian, TAux Aux)> JacRev<TAux>(Func<Tensor, (Tensor, TAux)> f, bool hasAux = true)
    {
        int[] nums = [0];
        CheckHasAux(hasAux);
        return x1 =>
        {
            TAux aux = default!;
            var j = JacRevCore(a => { var (v, x) = f(a[0]); aux = x; return [v]; }, [x1], nums);
            return (j[0][0], Finished(aux));
        };
    }

    /// <summary>JacRev of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, (Tensor Jacobian, TAux Aux)> JacRev<TAux>(Func<Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(2, argnums);
        CheckHasAux(hasAux);
        return (x1, x2) =>
        {
            TAux aux = default!;
            var j = JacRevCore(a => { var (v, x) = f(a[0], a[1]); aux = x; return [v]; }, [x1, x2], nums);
            return (j[0][0], Finished(aux));
        };
    }

    /// <summary>JacRev of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, Tensor, (Tensor Jacobian, TAux Aux)> JacRev<TAux>(Func<Tensor, Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(3, argnums);
        CheckHasAux(hasAux);
        return (x1, x2, x3) =>
        {
            TAux aux = default!;
            var j = JacRevCore(a => { var (v, x) = f(a[0], a[1], a[2]); aux = x; return [v]; }, [x1, x2, x3], nums);
            return (j[0][0], Finished(aux));
        };
    }

    /// <summary>JacRev of a function that returns (value, aux): aux is passed through undifferentiated, as JAX's has_aux.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor, (Tensor Jacobian, TAux Aux)> JacRev<TAux>(Func<Tensor, Tensor, Tensor, Tensor, (Tensor, TAux)> f, int argnums = 0, bool hasAux = true)
    {
        var nums = CheckArgnums(4, argnums);
        CheckHasAux(hasAux);
        return (x1, x2, x3, x4) =>
        {
            TAux aux = default!;
            var j = JacRevCore(a => { var (v, x) = f(a[0], a[1], a[2], a[3]); aux = x; return [v]; }, [x1, x2, x3, x4], nums);
            return (j[0][0], Finished(aux));
        };
    }

    private static void CheckHasAux(bool hasAux)
    {
        if (!hasAux)
            throw new ArgumentException("The function returns a pair (value, aux), so it needs hasAux: true. (A function with hasAux must return a pair; one returning a single Tensor uses the overloads without hasAux.)", nameof(hasAux));
    }

    /// <summary>Hessian-vector product H(x)·v by forward-over-reverse, without forming H.</summary>
    public static Tensor Hvp(Func<Tensor, Tensor> f, Tensor x, Tensor v) => HvpCore(a => f(a[0]), x, v);
}
