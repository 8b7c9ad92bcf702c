#:project ../../src/Adjoint/Adjoint.csproj
// Memory of reverse mode on a deep chain, with and without Ad.Checkpoint (issue 15).
//   dotnet run tests/Measurements/checkpoint-memory.cs -- <segment> [n]     (segment 0: no checkpoints; n: array size, 100000)
// Prints the memory the tape holds after the forward pass (live bytes after a full GC) and the process's
// peak resident memory (VmHWM) after the backward pass. One variant per process, so peaks don't mix.
using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

int segment = int.Parse(args[0]), n = args.Length > 1 ? int.Parse(args[1]) : 100_000, depth = 200;
static Tensor Step(Tensor x) => Sin(x) * 1.1 + 0.1 * x * x;
Func<Tensor, Tensor> Run(int steps) => x => { for (int i = 0; i < steps; i++) x = Step(x); return x; };
Func<Tensor, Tensor> f = segment == 0
    ? x => Sum(Run(depth)(x))
    : x => { var piece = Checkpoint(Run(segment)); for (int i = 0; i < depth / segment; i++) x = piece(x); return Sum(x); };

var x = Linspace(-1, 1, n);
long baseline = GC.GetTotalMemory(true);
var (value, pullback) = Vjp(f, x);
long held = GC.GetTotalMemory(true) - baseline;
var gradient = pullback(1.0);
string peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM")).Split(':')[1].Trim();
Console.WriteLine($"segment {segment}: n = {n}, depth {depth}; held by the tape after forward {held / 1e6:F0} MB; peak RSS {peak}; " +
                  $"f = {value.Item:R}, sum of gradient = {Sum(gradient).Item:R}");
