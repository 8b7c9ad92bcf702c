using ILGPU;
using ILGPU.Runtime;

namespace Adjoint.Gpu;

/// <summary>
/// One compiled graph on one accelerator: its program and memory live on the device from compilation
/// until the backend is disposed. The constants it closes over (the image, the grid) are uploaded once,
/// here; each call uploads only its inputs and the few uniforms the host computed.
/// </summary>
internal sealed class DeviceProgram : IDisposable
{
    private readonly GpuBackend backend;
    private readonly Graph graph;
    private readonly ProgramBuilder plan;
    private readonly Layout layout;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> memory;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> program;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> maps;
    private readonly double[] uniforms;

    public DeviceProgram(GpuBackend backend, Graph graph)
    {
        (this.backend, this.graph) = (backend, graph);
        plan = new ProgramBuilder(graph);
        // A graph with few pixels (one, when everything runs as one "pixel") needs no wide tiles of scratch.
        int threads = backend.Threads, tile = (int)Math.Min(backend.Tile, Math.Max(1, plan.Pixels));
        long scratchBase = plan.UniformBase + plan.UniformLength;
        long partialBase = scratchBase + (long)Math.Max(plan.Slots, 1) * threads * tile;
        layout = new Layout
        {
            Instructions = plan.Program.Count / Interpreter.Width,
            Pixels = plan.Pixels,
            Tile = tile,
            Threads = threads,
            ScratchBase = scratchBase,
            PartialBase = partialBase,
            PartialWidth = plan.PartialWidth,
            ResultBase = partialBase + (long)threads * plan.PartialWidth,
        };
        long doubles = layout.ResultBase + plan.PartialWidth;

        backend.CheckMemory(doubles * sizeof(double) + (plan.Program.Count + plan.Maps.Count) * sizeof(int),
            $"data {Megabytes(plan.DataLength)} (constants, inputs and outputs over {plan.Pixels:N0} pixels), " +
            $"scratch {Megabytes(partialBase - scratchBase)} ({plan.Slots} values per pixel × {threads} threads × {tile} pixels)");
        try
        {
            memory = backend.Allocate<double>(Math.Max(doubles, 1));
            program = backend.Allocate<int>(Math.Max(plan.Program.Count, 1));
            maps = backend.Allocate<int>(Math.Max(plan.Maps.Count, 1));
        }
        catch
        {
            Dispose();
            throw;
        }
        if (plan.Program.Count > 0) program.View.CopyFromCPU(plan.Program.ToArray());
        if (plan.Maps.Count > 0) maps.View.CopyFromCPU(plan.Maps.ToArray());
        foreach (var (tensor, offset) in plan.Constants)
            memory.View.SubView(offset, tensor.Size).CopyFromCPU(tensor.Data);
        uniforms = [.. plan.UniformConstants];
    }

    private static string Megabytes(long doubles) => $"{doubles * sizeof(double) / 1e6:F1} MB";

    /// <summary>Prologue on the host, the pixels on the device, the reductions combined, then the epilogue.</summary>
    public Tensor[] Run(Tensor[] args)
    {
        var values = new Dictionary<Graph.Variable, Tensor>();
        for (int i = 0; i < graph.Inputs.Length; i++) values[graph.Inputs[i]] = args[i];
        Tensor Value(object atom) => atom as Tensor ?? values[(Graph.Variable)atom];

        for (int e = 0; e < graph.Equations.Length; e++)
            if (plan.Phases[e] == PixelPlan.Phase.Prologue) Evaluate(e, values);

        if (layout.Instructions > 0)
        {
            // Per call: the uniforms the host computed and the inputs over the pixels.
            foreach (var (atom, offset) in plan.UniformValues) Value(atom).Data.CopyTo(uniforms, offset);
            if (uniforms.Length > 0) memory.View.SubView(plan.UniformBase, uniforms.Length).CopyFromCPU(uniforms);
            foreach (var (input, offset) in plan.Inputs)
                memory.View.SubView(offset, args[input].Size).CopyFromCPU(args[input].Data);

            backend.Launch(memory.View, program.View, maps.View, layout);

            var results = new double[plan.PartialWidth];
            if (results.Length > 0) memory.View.SubView(layout.ResultBase, results.Length).CopyToCPU(results);
            foreach (var (eq, offset) in plan.Reductions)
                values[eq.Output] = new Tensor(eq.Output.Shape, results[offset..(offset + Shapes.Size(eq.Output.Shape))]);
            foreach (var (v, offset) in plan.Outputs)
            {
                var data = new double[Shapes.Size(v.Shape)];
                memory.View.SubView(offset, data.Length).CopyToCPU(data);
                values[v] = new Tensor(v.Shape, data);
            }
        }

        for (int e = 0; e < graph.Equations.Length; e++)
            if (plan.Phases[e] == PixelPlan.Phase.Epilogue) Evaluate(e, values);
        return graph.Outputs.Select(Value).ToArray();
    }

    private void Evaluate(int e, Dictionary<Graph.Variable, Tensor> values)
    {
        var eq = graph.Equations[e];
        values[eq.Output] = eq.Primitive.Eval(eq.Inputs.Select(a => a as Tensor ?? values[(Graph.Variable)a]).ToArray(), eq.Output.Shape);
    }

    public void Dispose()
    {
        memory?.Dispose();
        program?.Dispose();
        maps?.Dispose();
    }
}
