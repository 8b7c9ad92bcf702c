// The differential test's C# side: generates seeded random programs over every primitive, applies every
// transformation to each, eagerly, under Ad.Jit and under GpuBackend (ILGPU's CPU accelerator), and writes
// programs and results as JSON. compare.py evaluates the same programs with PyTorch (float64) and compares.
//
//   dotnet run --project tests/Adjoint.Differential -c Release -- --programs 300 --seed 1 --out results.json
using System.Text.Json;
using Adjoint;
using Adjoint.Differential;
using Adjoint.Gpu;
using static Adjoint.Ad;
using static Adjoint.Np;

int count = 300, seed = 1;
string output = "differential.json";
for (int i = 0; i + 1 < args.Length; i += 2)
    switch (args[i])
    {
        case "--programs": count = int.Parse(args[i + 1]); break;
        case "--seed": seed = int.Parse(args[i + 1]); break;
        case "--out": output = args[i + 1]; break;
        default: throw new ArgumentException($"unknown option {args[i]}");
    }

var gpu = new GpuBackend(GpuDevice.Cpu);
var generator = new Generator(seed);
using var stream = File.Create(output);
using var json = new Utf8JsonWriter(stream);
json.WriteStartObject();
json.WriteNumber("seed", seed);
json.WriteStartArray("programs");
var watch = System.Diagnostics.Stopwatch.StartNew();
for (int id = 0; id < count; id++)
{
    // A backend keeps every program it compiled until disposed: start a fresh one now and then.
    if (id > 0 && id % 50 == 0) { gpu.Dispose(); gpu = new GpuBackend(GpuDevice.Cpu); }
    var program = generator.Next(id);
    Json.Program(json, program);
    json.WriteStartArray("results");
    foreach (var (name, transform) in Transformations.For(program))
    {
        Tensor[]? eager = null;
        foreach (var mode in new[] { "eager", "jit", "gpu" })
        {
            Tensor[] parts;
            try
            {
                parts = mode switch
                {
                    "eager" => eager = transform(program.X, program.Y),
                    _ when eager is null => throw new InvalidOperationException("eager failed"),
                    "jit" => Transformations.Split(Jit(Transformations.Joined(transform))(program.X, program.Y), eager),
                    _ => Transformations.Split(gpu.Jit(Transformations.Joined(transform))(program.X, program.Y), eager),
                };
            }
            catch (Exception e)
            {
                Json.Failure(json, name, mode, e);
                continue;
            }
            for (int k = 0; k < parts.Length; k++) Json.Result(json, parts.Length == 1 ? name : $"{name}.{k}", mode, parts[k]);
        }
    }
    json.WriteEndArray();
    json.WriteEndObject();
}
json.WriteEndArray();
json.WriteEndObject();
json.Flush();
gpu.Dispose();
Console.WriteLine($"{count} programs (seed {seed}) in {watch.Elapsed.TotalSeconds:F0} s, written to {output}");

namespace Adjoint.Differential
{
    /// <summary>The transformations applied to every program, each as (x, y) ↦ its results (several for tuples and trees).</summary>
    internal static class Transformations
    {
        public static IEnumerable<(string Name, Func<Tensor, Tensor, Tensor[]> Transform)> For(RandomProgram p)
        {
            Func<Tensor, Tensor, Tensor> f = p.Evaluate;
            Func<Tensor, Tensor, Tensor> s = (x, y) => Sum(f(x, y));
            Func<Tensor, Tensor> F(Tensor y) => x => f(x, y);
            Func<Tensor, Tensor> S(Tensor y) => x => s(x, y);
            (string, Func<Tensor, Tensor, Tensor[]>) One(string name, Func<Tensor, Func<Tensor, Tensor>> of) => (name, (x, y) => [of(y)(x)]);

            yield return One("f", F);
            yield return One("grad", y => Grad(S(y)));
            yield return One("jacfwd", y => JacFwd(F(y)));
            yield return One("jacrev", y => JacRev(F(y)));
            yield return One("hessian", y => Hessian(S(y)));
            yield return One("fwd-fwd", y => JacFwd(JacFwd(S(y))));
            yield return One("rev-fwd", y => JacRev(JacFwd(S(y))));
            yield return One("rev-rev", y => JacRev(JacRev(S(y))));
            yield return One("fwd-hessian", y => JacFwd(Hessian(S(y))));
            yield return One("fwd-rev-rev", y => JacFwd(JacRev(JacRev(S(y)))));
            yield return One("rev-rev-rev", y => JacRev(JacRev(JacRev(S(y)))));
            yield return ("jvp", (x, y) => [Jvp(F(y), x, p.Tangent).Tangent]);
            yield return ("vjp", (x, y) => [Vjp(F(y), x).Pullback(p.Cotangent)]);
            yield return ("hvp", (x, y) => [Hvp(S(y), x, p.Tangent)]);
            yield return ("grad-argnums1", (x, y) => [Grad(s, argnums: 1)(x, y)]);
            yield return ("grad-argnums01", (x, y) => { var (gx, gy) = Grad(s, (0, 1))(x, y); return [gx, gy]; });
            yield return ("hessian-argnums01", (x, y) =>
            {
                var ((xx, xy), (yx, yy)) = Hessian(s, (0, 1))(x, y);
                return [xx, xy, yx, yy];
            });
            yield return ("tree-grad", (x, y) =>
            {
                Func<Dictionary<string, Tensor>, Tensor> tree = d => s(d["x"], d["y"]);
                var g = Grad(tree)(new() { ["x"] = x, ["y"] = y });
                return [g["x"], g["y"]];
            });
        }

        /// <summary>Jit and the GPU backend compile functions with one result: several are flattened and joined.</summary>
        public static Func<Tensor, Tensor, Tensor> Joined(Func<Tensor, Tensor, Tensor[]> transform) => (x, y) =>
        {
            var parts = transform(x, y);
            return parts.Length == 1 ? parts[0] : Concatenate(parts.Select(t => Reshape(t, t.Size)));
        };

        /// <summary>The parts of a joined result, shaped as the eager ones.</summary>
        public static Tensor[] Split(Tensor joined, Tensor[] like)
        {
            if (like.Length == 1) return [joined];
            var values = joined.ToArray();
            int offset = 0;
            return like.Select(t => { var part = Array(values[offset..(offset += t.Size)], t.Shape); return part; }).ToArray();
        }
    }

    internal static class Json
    {
        public static void Program(Utf8JsonWriter json, RandomProgram p)
        {
            json.WriteStartObject();
            json.WriteNumber("id", p.Id);
            json.WriteBoolean("pixels", p.Pixels);
            json.WritePropertyName("x"); Tensor(json, p.X);
            json.WritePropertyName("y"); Tensor(json, p.Y);
            json.WritePropertyName("tangent"); Tensor(json, p.Tangent);
            json.WritePropertyName("cotangent"); Tensor(json, p.Cotangent);
            json.WriteStartArray("constants");
            foreach (var c in p.Constants) Tensor(json, c);
            json.WriteEndArray();
            json.WriteStartArray("nodes");
            foreach (var n in p.Nodes)
            {
                json.WriteStartObject();
                json.WriteString("op", n.Op);
                Ints(json, "args", n.Args);
                Ints(json, "ints", n.Ints);
                json.WriteNumber("real", n.Real);
                json.WriteBoolean("flag", n.Flag);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        public static void Result(Utf8JsonWriter json, string name, string mode, Tensor value)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("mode", mode);
            json.WritePropertyName("value"); Tensor(json, value);
            json.WriteEndObject();
        }

        public static void Failure(Utf8JsonWriter json, string name, string mode, Exception e)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("mode", mode);
            json.WriteString("error", $"{e.GetType().Name}: {e.Message}");
            json.WriteEndObject();
        }

        private static void Tensor(Utf8JsonWriter json, Tensor t)
        {
            json.WriteStartObject();
            Ints(json, "shape", t.Shape);
            json.WriteStartArray("data");
            foreach (var v in t.ToArray())
                if (double.IsFinite(v)) json.WriteNumberValue(v);
                else json.WriteStringValue(v.ToString(System.Globalization.CultureInfo.InvariantCulture)); // NaN, ∞: float() reads them
            json.WriteEndArray();
            json.WriteEndObject();
        }

        private static void Ints(Utf8JsonWriter json, string name, int[] values)
        {
            json.WriteStartArray(name);
            foreach (int v in values) json.WriteNumberValue(v);
            json.WriteEndArray();
        }
    }
}
