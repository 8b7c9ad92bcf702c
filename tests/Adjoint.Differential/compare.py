#!/usr/bin/env python3
"""The differential test's independent side: evaluates the random programs that Adjoint.Differential wrote
with PyTorch (float64, torch.autograd.functional) and compares every result Adjoint computed (eager, under
Jit, under the GPU backend) with PyTorch's.

    python3 tests/Adjoint.Differential/compare.py results.json

A result agrees when every element has |ours - torch| <= RTOL * |torch| + ATOL * scale: a relative tolerance
per element, plus a tiny absolute one for elements that cancel to (near) zero, where the order of summation
alone decides the last bits; scale is the largest element of all the program's results (its values and
derivatives), the size of the terms that cancelled.
Exit status 1 when anything disagrees or fails.
"""
import json
import sys

import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vjp

torch.set_default_dtype(torch.float64)
RTOL = 1e-9
ATOL = 1e-12
LIMIT = int(__import__("os").environ.get("DIFFERENTIAL_SHOW", "40"))  # problems printed


def tensor(t):
    return torch.tensor([float(v) for v in t["data"]], dtype=torch.float64).reshape(t["shape"])


def apply(node, a):
    op, ints = node["op"], node["ints"]
    unary = {"neg": torch.neg, "exp": torch.exp, "log": torch.log, "sin": torch.sin, "cos": torch.cos,
             "tan": torch.tan, "tanh": torch.tanh, "sqrt": torch.sqrt, "abs": torch.abs, "sign": torch.sign,
             "square": lambda x: x * x,
             # issue 15's numpy functions
             "log1p": torch.log1p, "expm1": torch.expm1, "log2": torch.log2, "log10": torch.log10, "exp2": torch.exp2,
             "sinh": torch.sinh, "cosh": torch.cosh, "arcsin": torch.asin, "arccos": torch.acos, "arctan": torch.atan,
             "arcsinh": torch.asinh, "arccosh": lambda x: torch.acosh(1.1 + x * x),  # as Programs.cs: shifted into the domain
             "arctanh": torch.atanh, "erf": torch.erf,
             "sigmoid": torch.sigmoid, "softplus": lambda x: torch.nn.functional.softplus(x, threshold=1e9),
             "cbrt": lambda x: torch.sign(x) * torch.abs(x) ** (1.0 / 3.0),
             "floor": torch.floor, "ceil": torch.ceil, "round": torch.round}
    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow": torch.pow,
              "maximum": torch.maximum, "minimum": torch.minimum, "hypot": torch.hypot}
    compare = {"lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge, "eq": torch.eq, "ne": torch.ne}
    axis = ints[0] if ints else None
    reduce = {"sum": torch.sum, "max": torch.amax, "mean": torch.mean}
    if op in unary:
        return unary[op](a[0])
    if op == "pow_const":
        return torch.pow(a[0], node["real"])
    if op in binary:
        return binary[op](a[0], a[1])
    if op in compare:
        return compare[op](a[0], a[1]).to(torch.float64)
    if op == "where":
        return torch.where(a[0] != 0, a[1], a[2])
    if op == "reshape":
        return a[0].reshape(ints)
    if op == "broadcast":
        return a[0].expand(ints)
    if op == "transpose":
        return a[0].permute(ints)
    if op == "slice":
        # Python's slice semantics (torch has no negative steps): the indices it picks, gathered.
        ax, start, stop, step = ints
        picked = list(range(a[0].shape[ax]))[slice(start, stop, step)]
        return torch.index_select(a[0], ax, torch.tensor(picked, dtype=torch.long))
    if op == "concat":
        return torch.cat(a, dim=ints[0])
    if op == "stack":
        return torch.stack(a, dim=ints[0])
    if op == "index":
        return a[0][ints[0]]
    if op in reduce:
        if axis is None:
            return reduce[op](a[0])
        return reduce[op](a[0], dim=axis, keepdim=node["flag"])
    if op == "cumsum":
        return torch.cumsum(a[0], dim=axis)
    if op == "flip":
        return torch.flip(a[0], dims=[axis])
    if op == "softmax":
        return torch.softmax(a[0], dim=axis)
    if op in ("logsumexp", "prod"):
        f = torch.logsumexp if op == "logsumexp" else torch.prod
        return f(a[0].reshape(-1), dim=0) if axis is None else f(a[0], dim=axis)
    if op == "var":
        return torch.var(a[0], unbiased=False) if axis is None else torch.var(a[0], dim=axis, unbiased=False)
    if op == "matmul":
        return torch.matmul(a[0], a[1])
    if op == "dot":
        if a[0].dim() == 0 or a[1].dim() == 0:
            return a[0] * a[1]
        if a[0].dim() == 1 and a[1].dim() == 1:
            return torch.dot(a[0], a[1])
        return torch.matmul(a[0], a[1])
    raise ValueError(op)


def function(program):
    constants = [tensor(c) for c in program["constants"]]

    def f(x, y):
        values = [x, y] + constants
        for node in program["nodes"]:
            values.append(apply(node, [values[i] for i in node["args"]]))
        return values[-1]
    return f


def expected(program):
    """Each transformation's result(s), named as Program.cs names them."""
    f = function(program)
    x, y = tensor(program["x"]), tensor(program["y"])
    t, ct = tensor(program["tangent"]), tensor(program["cotangent"])
    F = lambda x: f(x, y)
    S = lambda x: f(x, y).sum()
    s = lambda x, y: f(x, y).sum()
    H = lambda x: hessian(S, x, create_graph=True)
    out = {
        "f": F(x),
        "grad": jacobian(S, x),
        "jacfwd": jacobian(F, x),
        "jacrev": jacobian(F, x),
        "jvp": jvp(F, x, t)[1],
        "vjp": vjp(F, x, ct)[1],
        "hvp": hvp(S, x, t)[1],
        "grad-argnums1": jacobian(s, (x, y))[1],
    }
    for name in ("hessian", "fwd-fwd", "rev-fwd", "rev-rev"):
        out[name] = hessian(S, x)
    third = jacobian(H, x)
    for name in ("fwd-hessian", "fwd-rev-rev", "rev-rev-rev"):
        out[name] = third
    gx, gy = jacobian(s, (x, y))
    out["grad-argnums01.0"], out["grad-argnums01.1"] = gx, gy
    out["tree-grad.0"], out["tree-grad.1"] = gx, gy
    (xx, xy), (yx, yy) = hessian(s, (x, y))
    for k, block in enumerate((xx, xy, yx, yy)):
        out[f"hessian-argnums01.{k}"] = block
    return out


def agrees(ours, theirs, scale):
    if list(ours.shape) != list(theirs.shape):
        return f"shape {list(ours.shape)} instead of {list(theirs.shape)}"
    if theirs.numel() == 0:
        return None
    error = (ours - theirs).abs()
    bound = RTOL * theirs.abs() + ATOL * scale
    if bool((error <= bound).all()):
        return None
    i = int(torch.argmax(error - bound))
    return (f"element {i}: {ours.flatten()[i].item()!r} instead of {theirs.flatten()[i].item()!r} "
            f"(program scale {scale:.3g})")


def main(path):
    data = json.load(open(path))
    agreed, problems, counts, declined = 0, [], {}, {}
    for program in data["programs"]:
        reference = expected(program)
        scale = max(t.abs().max().item() for t in reference.values() if t.numel() > 0)
        for r in program["results"]:
            where = f'program {program["id"]} {r["name"]} ({r["mode"]})'
            error = r.get("error", "")
            # The GPU backend refuses, by design, graphs it has no device code for: counted apart, by reason.
            if r["mode"] == "gpu" and error.startswith("NotSupportedException"):
                reason = error.split(": ", 2)[-1].split(". Use")[0]
                declined[reason] = declined.get(reason, 0) + 1
                continue
            counts[r["mode"]] = counts.get(r["mode"], 0) + 1
            message = error or agrees(tensor(r["value"]), reference[r["name"]], scale)
            if message:
                problems.append(f"{where}: {message}")
            else:
                agreed += 1
    total = sum(counts.values())
    print("\n".join(problems[:LIMIT]))
    if len(problems) > LIMIT:
        print(f"... and {len(problems) - LIMIT} more")
    for reason, n in sorted(declined.items(), key=lambda kv: -kv[1]):
        print(f"declined by the GPU backend ({n} results): {reason}")
    by_mode = ", ".join(f"{m} {n}" for m, n in counts.items())
    print(f"differential test (seed {data['seed']}, {len(data['programs'])} programs, PyTorch {torch.__version__} float64, "
          f"rtol {RTOL:g}): {agreed}/{total} results agree ({by_mode}); {sum(declined.values())} declined by the GPU backend")
    return 0 if agreed == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
