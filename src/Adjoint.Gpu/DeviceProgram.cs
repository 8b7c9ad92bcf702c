using Adjoint.Execution;
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
    private readonly PixelProgram pixels;
    private readonly ProgramBuilder plan;
    private readonly Layout layout;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> memory;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> program;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> maps;
    private readonly double[] uniforms;

    public DeviceProgram(GpuBackend backend, PixelProgram pixels)
    {
        (this.backend, this.pixels) = (backend, pixels);
        plan = new ProgramBuilder(pixels);
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
        foreach (var (data, offset) in plan.Constants)
            memory.View.SubView(offset, data.Length).CopyFromCPU(data);
        uniforms = [.. plan.UniformConstants];
    }

    private static string Megabytes(long doubles) => $"{doubles * sizeof(double) / 1e6:F1} MB";

    /// <summary>Steps before the pixels on the host, the pixels on the device, the reductions combined, then the steps after.</summary>
    public Tensor[] Run(Tensor[] args)
    {
        var values = new Dictionary<PixelValue, Tensor>();
        for (int i = 0; i < pixels.Inputs.Count; i++) values[pixels.Inputs[i]] = args[i];
        Tensor Value(PixelValue v) => v.Constant ?? values[v];

        RunOnHost(PixelPhase.Before, values, Value);
        if (layout.Instructions > 0)
        {
            // Per call: the uniforms the host computed and the inputs over the pixels.
            foreach (var (value, offset) in plan.UniformValues) Value(value).ToArray().CopyTo(uniforms, offset);
            if (uniforms.Length > 0) memory.View.SubView(plan.UniformBase, uniforms.Length).CopyFromCPU(uniforms);
            foreach (var (input, offset) in plan.Inputs)
                memory.View.SubView(offset, args[input].Size).CopyFromCPU(args[input].ToArray());

            backend.Launch(memory.View, program.View, maps.View, layout);

            var results = new double[plan.PartialWidth];
            if (results.Length > 0) memory.View.SubView(layout.ResultBase, results.Length).CopyToCPU(results);
            foreach (var (step, offset) in plan.Reductions)
                values[step.Output] = Np.Array(results[offset..(offset + step.Output.PixelCount)], step.Output.Shape);
            foreach (var (v, offset) in plan.Outputs)
            {
                var data = new double[v.PixelCount * pixels.Pixels];
                memory.View.SubView(offset, data.Length).CopyToCPU(data);
                values[v] = Np.Array(data, v.Shape);
            }
        }
        RunOnHost(PixelPhase.After, values, Value);
        return pixels.Outputs.Select(Value).ToArray();
    }

    private void RunOnHost(PixelPhase phase, Dictionary<PixelValue, Tensor> values, Func<PixelValue, Tensor> value)
    {
        foreach (var step in pixels.Steps)
            if (step.Phase == phase) values[step.Output] = pixels.Evaluate(step, step.Inputs.Select(value).ToArray());
    }

    public void Dispose()
    {
        memory?.Dispose();
        program?.Dispose();
        maps?.Dispose();
    }
}
