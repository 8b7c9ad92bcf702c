#!/usr/bin/env python3
"""Writes Ad.Overloads.g.cs: the typed forms of the transformations for functions of 1 to 4 tensors, each a
one-line adapter to the general forms in Ad.cs. Generated because they are many and all alike; edit this
script, not the output. `--check` fails when the committed file differs from what the script writes (CI).

    python3 src/Adjoint/Overloads/generate.py [--check]
"""
import os
import sys

ARITIES = range(1, 5)
AUX = "aux is passed through undifferentiated, as JAX's has_aux."


def tensors(n):
    return ", ".join(["Tensor"] * n)


def tup(items):
    items = list(items)
    return items[0] if len(items) == 1 else "(" + ", ".join(items) + ")"


def func(n, result):
    """Func<Tensor, …, result> of n tensors."""
    return f"Func<{tensors(n)}, {result}>"


def params(n):
    return tup(f"x{i}" for i in range(1, n + 1)) if n > 1 else "x1"


def args(n):
    return ", ".join(f"a[{i}]" for i in range(n))


def xs(n):
    return "[" + ", ".join(f"x{i}" for i in range(1, n + 1)) + "]"


def argnum_forms(n):
    """(argnums parameter, CheckArgnums call, count of differentiated arguments) for each overload of arity n."""
    if n == 1:
        yield "", "int[] nums = [0];", 1
        return
    yield ", int argnums = 0", f"var nums = CheckArgnums({n}, argnums);", 1
    for k in range(2, n + 1):
        items = ", ".join(f"argnums.Item{i}" for i in range(1, k + 1))
        yield f", {tup(['int'] * k)} argnums", f"var nums = CheckArgnums({n}, {items});", k


def method(doc, signature, body):
    return f"    /// <summary>{doc}</summary>\n    public static {signature}\n    {{\n{body}    }}\n"


def jvp_vjp():
    out = []
    for n in ARITIES:
        if n == 1:
            out.append(method("Forward mode: f(x) and its directional derivative J·t, in one pass.",
                              "(Tensor Value, Tensor Tangent) Jvp(Func<Tensor, Tensor> f, Tensor primal, Tensor tangent)",
                              "        var (ys, ts) = JvpCore(a => [f(a[0])], [primal], [tangent], []);\n        return (ys[0], ts[0]);\n"))
            out.append(method("Reverse mode: f(x) and the pullback ȳ ↦ ȳᵀ·J (the vector–Jacobian product).",
                              "(Tensor Value, Func<Tensor, Tensor> Pullback) Vjp(Func<Tensor, Tensor> f, Tensor primal)",
                              "        var (ys, pullback) = VjpCore(a => [f(a[0])], [primal], [0]);\n        return (ys[0], ct => pullback([ct])[0]);\n"))
            continue
        t = tup(["Tensor"] * n)
        items = lambda name: ", ".join(f"{name}.Item{i}" for i in range(1, n + 1))
        out.append(method(f"Forward mode for a function of {n} arguments: f(x) and J·t.",
                          f"(Tensor Value, Tensor Tangent) Jvp({func(n, 'Tensor')} f, {t} primals, {t} tangents)",
                          f"        var (ys, ts) = JvpCore(a => [f({args(n)})], [{items('primals')}], [{items('tangents')}], []);\n"
                          "        return (ys[0], ts[0]);\n"))
        x_params = ", ".join(f"Tensor x{i}" for i in range(1, n + 1))
        out.append(method(f"Reverse mode for a function of {n} arguments: f(x) and the pullback giving the cotangent of each argument.",
                          f"(Tensor Value, Func<Tensor, {t}> Pullback) Vjp({func(n, 'Tensor')} f, {x_params})",
                          f"        var (ys, pullback) = VjpCore(a => [f({args(n)})], {xs(n)}, [{', '.join(str(i) for i in range(n))}]);\n"
                          f"        return (ys[0], ct => {{ var g = pullback([ct]); return {tup(f'g[{i}]' for i in range(n))}; }});\n"))
    return out


def simple(name, doc, core, result, pick):
    """Grad, ValueAndGrad, JacFwd, JacRev, Hessian: one overload per arity and argnums form.
    core(n): the call of the general form; result(k): the result type; pick(k): the expression returned."""
    out = []
    for n in ARITIES:
        for argnums, check, k in argnum_forms(n):
            out.append(method(doc, f"{func(n, result(k))} {name}({func(n, 'Tensor')} f{argnums})",
                              f"        {check}\n        return {params(n)} => {{ var r = {core(n)}; return {pick(k)}; }};\n"))
    return out


def aux_forms(name, core, result, pick):
    out = []
    for n in ARITIES:
        argnums, check, _ = next(argnum_forms(n))
        out.append(method(f"{name} of a function that returns (value, aux): {AUX}",
                          f"{func(n, result)} {name}<TAux>({func(n, '(Tensor, TAux)')} f{argnums}, bool hasAux = true)",
                          f"        {check}\n        CheckHasAux(hasAux);\n        return {params(n)} =>\n        {{\n"
                          "            TAux aux = default!;\n"
                          f"            var r = {core(n)};\n"
                          f"            return {pick};\n        }};\n"))
    return out


def aux_jvp_vjp():
    """Jvp and Vjp of a function returning (value, aux), for 1 to 4 arguments."""
    out = []
    for n in ARITIES:
        t = tup(["Tensor"] * n)
        items = (lambda name: ", ".join(f"{name}.Item{i}" for i in range(1, n + 1))) if n > 1 else (lambda name: name)
        primals, tangents = (f"{t} primals", f"{t} tangents") if n > 1 else ("Tensor primal", "Tensor tangent")
        p_name, t_name = ("primals", "tangents") if n > 1 else ("primal", "tangent")
        out.append(method(f"Forward mode of a function that returns (value, aux): f(x), J·t and aux; {AUX}",
                          f"(Tensor Value, Tensor Tangent, TAux Aux) Jvp<TAux>({func(n, '(Tensor, TAux)')} f, {primals}, {tangents}, bool hasAux = true)",
                          "        CheckHasAux(hasAux);\n        TAux aux = default!;\n"
                          f"        var (ys, ts) = JvpCore(a => {{ var (v, x) = f({args(n)}); aux = x; return [v]; }}, [{items(p_name)}], [{items(t_name)}], []);\n"
                          "        return (ys[0], ts[0], Finished(aux));\n"))
        x_params = ", ".join(f"Tensor x{i}" for i in range(1, n + 1)) if n > 1 else "Tensor primal"
        primal_list = xs(n) if n > 1 else "[primal]"
        pullback = f"ct => pullback([ct])[0]" if n == 1 else f"ct => {{ var g = pullback([ct]); return {tup(f'g[{i}]' for i in range(n))}; }}"
        out.append(method(f"Reverse mode of a function that returns (value, aux): f(x), the pullback and aux; {AUX}",
                          f"(Tensor Value, Func<Tensor, {t}> Pullback, TAux Aux) Vjp<TAux>({func(n, '(Tensor, TAux)')} f, {x_params}, bool hasAux = true)",
                          "        CheckHasAux(hasAux);\n        TAux aux = default!;\n"
                          f"        var (ys, pullback) = VjpCore(a => {{ var (v, x) = f({args(n)}); aux = x; return [v]; }}, {primal_list}, [{', '.join(str(i) for i in range(n))}]);\n"
                          f"        return (ys[0], {pullback}, Finished(aux));\n"))
    return out


def tree_argnum_forms():
    """Grad, JacFwd, JacRev and Hessian of functions of 2 to 4 trees, with argnums (an int or a tuple): the result is
    a Tree of the chosen argument's structure (of a tuple of them for a tuple), as jax.grad(f, argnums=…) gives."""
    out = []
    transformations = [
        ("Grad", "Tensor", "", "The gradient of a scalar function of trees with respect to the chosen argument(s): a Tree of its structure (of a tuple of them).", "GradOfTrees"),
        ("JacFwd", "TOut", ", TOut", "The Jacobian of a function of trees by forward mode with respect to the chosen argument(s): the tree product f(x) ⊗ argument.", "JacFwdOfTrees"),
        ("JacRev", "TOut", ", TOut", "The Jacobian of a function of trees by reverse mode with respect to the chosen argument(s): the tree product f(x) ⊗ argument.", "JacRevOfTrees"),
        ("Hessian", "TOut", ", TOut", "The Hessian of a function of trees with respect to the chosen argument(s): the tree product f(x) ⊗ argument ⊗ argument.", "HessianOfTrees"),
    ]
    for name, result, extra, doc, helper in transformations:
        for n in range(2, 5):
            types = ", ".join(f"T{i}" for i in range(1, n + 1))
            for argnums, check, _ in argnum_forms(n):
                if argnums == ", int argnums = 0":
                    argnums = ", int argnums"  # required: a call without argnums stays on the forms above
                call = ", ".join(f"(T{i + 1})a[{i}]" for i in range(n))
                out.append(method(doc, f"Func<{types}, Tree> {name}<{types}{extra}>(Func<{types}, {result}> f{argnums})",
                                  f"        {check}\n        return {params(n)} => {helper}(a => f({call}), [{', '.join(f'x{i}!' for i in range(1, n + 1))}], nums);\n"))
    return out


def generate():
    grad = lambda n: f"GradCore(a => f({args(n)}), {xs(n)}, nums)"
    value_grad = lambda n: f"GradCore(a => f({args(n)}), {xs(n)}, nums, \"value_and_grad\")"
    jac = lambda core: lambda n: f"{core}(a => [f({args(n)})], {xs(n)}, nums)"
    hessian = lambda n: f"HessianCore(a => f({args(n)}), {xs(n)}, nums)"
    aux_value = lambda n: f"{{ var (v, x) = f({args(n)}); aux = x; return v; }}"
    aux_list = lambda n: f"{{ var (v, x) = f({args(n)}); aux = x; return [v]; }}"
    sections = [
        ("Jvp and Vjp", jvp_vjp()),
        ("Grad", simple("Grad", "The gradient of a scalar function.", grad,
                        lambda k: tup(["Tensor"] * k), lambda k: tup(f"r.Gradients[{i}]" for i in range(k)))),
        ("ValueAndGrad", simple("ValueAndGrad", "The value and the gradient of a scalar function, in one pass.", value_grad,
                                lambda k: f"(Tensor Value, {tup(['Tensor'] * k)} Gradient)",
                                lambda k: f"(r.Value, {tup(f'r.Gradients[{i}]' for i in range(k))})")),
        ("JacFwd", simple("JacFwd", "The Jacobian by forward mode (the whole basis pushed in one pass).", jac("JacFwdCore"),
                          lambda k: tup(["Tensor"] * k), lambda k: tup(f"r[0][{i}]" for i in range(k)))),
        ("JacRev", simple("JacRev", "The Jacobian by reverse mode (the whole basis pulled back in one pass).", jac("JacRevCore"),
                          lambda k: tup(["Tensor"] * k), lambda k: tup(f"r[0][{i}]" for i in range(k)))),
        ("Hessian", simple("Hessian", "The Hessian, JacFwd(JacRev(f)): shape output + argument + argument.", hessian,
                           lambda k: tup([tup(["Tensor"] * k)] * k) if k > 1 else "Tensor",
                           lambda k: tup(tup(f"r[{i}][{j}]" for j in range(k)) for i in range(k)))),
        ("has_aux forms",
         aux_forms("Grad", lambda n: f"GradCore(a => {aux_value(n)}, {xs(n)}, nums).Gradients",
                   "(Tensor Gradient, TAux Aux)", "(r[0], Finished(aux))")
         + aux_forms("ValueAndGrad", lambda n: f"GradCore(a => {aux_value(n)}, {xs(n)}, nums, \"value_and_grad\")",
                     "((Tensor Value, TAux Aux) Value, Tensor Gradient)", "((r.Value, Finished(aux)), r.Gradients[0])")
         + aux_forms("JacFwd", lambda n: f"JacFwdCore(a => {aux_list(n)}, {xs(n)}, nums)",
                     "(Tensor Jacobian, TAux Aux)", "(r[0][0], Finished(aux))")
         + aux_forms("JacRev", lambda n: f"JacRevCore(a => {aux_list(n)}, {xs(n)}, nums)",
                     "(Tensor Jacobian, TAux Aux)", "(r[0][0], Finished(aux))")
         + aux_forms("Hessian", lambda n: f"HessianCore(a => {aux_value(n)}, {xs(n)}, nums)",
                     "(Tensor Hessian, TAux Aux)", "(r[0][0], Finished(aux))")
         + aux_jvp_vjp()),
        ("argnums for functions of trees (Toolbox/Ad.TreeForms.cs)", tree_argnum_forms()),
    ]
    text = ("// <auto-generated> by src/Adjoint/Overloads/generate.py: edit the script, not this file. </auto-generated>\n"
            "// The typed forms of the transformations: functions of 1 to 4 tensors, argnums as an int (result:\n"
            "// a tensor) or as a tuple (result: a tuple in argnums order), as jax.grad(f, argnums=(0, 1)) does.\n"
            "// Each overload only adapts its arguments to the general forms in Ad.cs.\n"
            "namespace Adjoint;\n\npublic static partial class Ad\n{\n")
    text += "\n".join(f"    // ------------------------------------------------------------ {title}\n\n" + "\n".join(methods)
                      for title, methods in sections)
    text += ("\n    private static void CheckHasAux(bool hasAux)\n    {\n        if (!hasAux)\n"
             "            throw new ArgumentException(\"The function returns a pair (value, aux), so it needs hasAux: true. "
             "(A function with hasAux must return a pair; one returning a single Tensor uses the overloads without hasAux.)\", nameof(hasAux));\n"
             "    }\n\n"
             "    /// <summary>Hessian-vector product H(x)·v by forward-over-reverse, without forming H.</summary>\n"
             "    public static Tensor Hvp(Func<Tensor, Tensor> f, Tensor x, Tensor v) => HvpCore(a => f(a[0]), x, v);\n}\n")
    return text


if __name__ == "__main__":
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Ad.Overloads.g.cs")
    text = generate()
    if "--check" in sys.argv:
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        if current != text:
            sys.exit(f"{path} is out of date: run python3 src/Adjoint/Overloads/generate.py")
        print(f"{os.path.basename(path)} is up to date")
    else:
        open(path, "w", encoding="utf-8").write(text)
