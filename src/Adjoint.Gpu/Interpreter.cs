using Adjoint.Execution;
using ILGPU;

namespace Adjoint.Gpu;

/// <summary>What one instruction of the device program does (field 0 of each instruction).</summary>
internal enum OpCode
{
    /// <summary>
    /// out[k] = f(a[k], b[k], c[k]) with f the <see cref="LaneCode"/> in field 1 (the primitive's element-wise form,
    /// computed by <see cref="LaneMath.Apply"/>) and as many operands as field <see cref="Interpreter.FArity"/> says.
    /// </summary>
    Apply,
    /// <summary>out[k] = 0 for every k (before a pad or a concatenation fills its part).</summary>
    Zero,
    /// <summary>out[dst] = a[src] for every (dst, src) pair in the map: reshape, broadcast, transpose, slice, pad, concatenate.</summary>
    Move,
    /// <summary>out = 0 (or −∞), then out[dst] += a[src] (or max) for every pair: a sum or max over per-pixel axes.</summary>
    Reduce,
    /// <summary>partial[thread][k] += Σ over this tile's pixels of a[k] (or max): the first stage of a sum over all pixels.</summary>
    Accumulate,
    /// <summary>memory[target + k·pixels + pixel] = a[k]: writes a per-pixel value of a graph output.</summary>
    Store,
}

/// <summary>Where an operand lives (see <see cref="Interpreter"/>).</summary>
internal enum Place { Scratch, Uniform, Data }

/// <summary>Sizes the kernels need, passed by value.</summary>
internal struct Layout
{
    public int Instructions;   // number of instructions in the program
    public long Pixels;        // P: the number of pixels (the spatial axes flattened)
    public int Tile;           // T: consecutive pixels a thread runs through each instruction at a time
    public int Threads;        // G: threads of the launch (grid × group)
    public long ScratchBase;   // start of the scratch region: slot s, thread t, tile pixel i at ScratchBase + (s·G + t)·T + i
    public long PartialBase;   // start of the partials region: thread t, element w at PartialBase + t·W + w
    public int PartialWidth;   // W: elements accumulated over all pixels (all reductions together)
    public long ResultBase;    // start of the combined results: W elements
}

/// <summary>
/// The device side: one interpreter kernel that walks a small program per tile of pixels, and one
/// kernel that combines the per-thread partial sums. Both are grid-stride kernels: they are launched
/// once with a fixed number of threads, and each thread loops over its share of the work (the only
/// fast style on ILGPU's CPU accelerator, and a good one on GPUs).
/// </summary>
/// <remarks>
/// Everything lives in one buffer of doubles, <c>memory</c>: the data region (constants such as the
/// image, uploaded once; the per-call inputs; the per-pixel outputs), the uniforms (small values that
/// are the same for every pixel), each thread's scratch registers, the partial sums and the results.
/// An operand is (place, base, map): element m of it at tile pixel i is
/// <list type="bullet">
/// <item>Scratch: memory[ScratchBase + ((base + m)·G + t)·T + i] — per thread, per pixel;</item>
/// <item>Uniform: memory[base + m] — the same for every pixel (stride 0: broadcasting stays implicit);</item>
/// <item>Data: memory[base + m·P + pixel] — a per-pixel array of the graph (the image, an input).</item>
/// </list>
/// The map (an offset into <c>maps</c>, or −1 for the identity) says which element m of the operand
/// the output's element k reads: broadcasting over the per-pixel axes is index arithmetic done once
/// on the host.
/// </remarks>
internal static class Interpreter
{
    /// <summary>Ints per instruction in the program buffer.</summary>
    public const int Width = 16;

    // Fields of an instruction.
    public const int FOp = 0, FFunction = 1, FCount = 2, FOut = 3, FA = 4, FB = 7, FC = 10, FOutLength = 13, FArity = 14;
    // Within an operand: place, base, map.
    public const int OPlace = 0, OBase = 1, OMap = 2;

    /// <summary>The interpreter kernel: thread t runs tiles t, t + G, t + 2G, … through the whole program.</summary>
    public static void Run(ArrayView<double> memory, ArrayView<int> program, ArrayView<int> maps, Layout layout)
    {
        int t = Grid.GlobalIndex.X;
        if (t >= layout.Threads) return;

        // This thread's partial sums start at 0 (sums) or −∞ (maxima).
        for (int n = 0; n < layout.Instructions; n++)
        {
            int at = n * Width;
            if (program[at + FOp] != (int)OpCode.Accumulate) continue;
            double identity = LaneMath.Start((LaneCode)program[at + FFunction]);
            for (int k = 0; k < program[at + FCount]; k++)
                memory[layout.PartialBase + (long)t * layout.PartialWidth + program[at + FOut] + k] = identity;
        }

        long tiles = (layout.Pixels + layout.Tile - 1) / layout.Tile;
        for (long tile = t; tile < tiles; tile += layout.Threads)
        {
            long first = tile * layout.Tile;
            int length = (int)Math.Min(layout.Tile, layout.Pixels - first);
            for (int n = 0; n < layout.Instructions; n++)
                Execute(memory, program, maps, layout, n * Width, t, first, length);
        }
    }

    /// <summary>Runs one instruction over the tile's pixels [first, first + length).</summary>
    private static void Execute(ArrayView<double> memory, ArrayView<int> program, ArrayView<int> maps, Layout layout,
        int at, int t, long first, int length)
    {
        var op = (OpCode)program[at + FOp];
        var function = (LaneCode)program[at + FFunction];
        int count = program[at + FCount];
        int output = program[at + FOut];

        if (op == OpCode.Move || op == OpCode.Reduce)
        {
            if (op == OpCode.Reduce)
            {
                double identity = LaneMath.Start(function);
                for (int k = 0; k < program[at + FOutLength]; k++)
                {
                    long o = ScratchRow(layout, output + k, t);
                    for (int i = 0; i < length; i++) memory[o + i] = identity;
                }
            }
            int pairs = program[at + FA + OMap];
            for (int j = 0; j < count; j++)
            {
                int dst = maps[pairs + 2 * j], src = maps[pairs + 2 * j + 1];
                long o = ScratchRow(layout, output + dst, t);
                long a = Row(program, layout, at + FA, src, t, first, out int sa);
                for (int i = 0; i < length; i++)
                    memory[o + i] = op == OpCode.Move ? memory[a + i * sa] : LaneMath.Apply(function, memory[o + i], memory[a + i * sa], 0);
            }
            return;
        }

        for (int k = 0; k < count; k++)
        {
            if (op == OpCode.Zero)
            {
                // No operand: its fields are unset, and reading its map would run past the maps.
                long z = ScratchRow(layout, output + k, t);
                for (int i = 0; i < length; i++) memory[z + i] = 0.0;
                continue;
            }
            long a = Row(program, layout, at + FA, Element(program, maps, at + FA, k), t, first, out int sa);
            switch (op)
            {
                case OpCode.Apply:
                {
                    // Operands past the arity read element 0 of the output row (any place would do: f ignores them).
                    long o = ScratchRow(layout, output + k, t);
                    int arity = program[at + FArity];
                    int sb = 0, sc = 0;
                    long b = arity > 1 ? Row(program, layout, at + FB, Element(program, maps, at + FB, k), t, first, out sb) : o;
                    long c = arity > 2 ? Row(program, layout, at + FC, Element(program, maps, at + FC, k), t, first, out sc) : o;
                    for (int i = 0; i < length; i++)
                        memory[o + i] = LaneMath.Apply(function, memory[a + i * sa], memory[b + i * sb], memory[c + i * sc]);
                    break;
                }
                case OpCode.Accumulate:
                {
                    // Sum (or max) over the tile's pixels first, then into this thread's partial.
                    double total = LaneMath.Start(function);
                    for (int i = 0; i < length; i++) total = LaneMath.Apply(function, total, memory[a + i * sa], 0);
                    long p = layout.PartialBase + (long)t * layout.PartialWidth + output + k;
                    memory[p] = LaneMath.Apply(function, memory[p], total, 0);
                    break;
                }
                case OpCode.Store:
                {
                    long o = output + k * layout.Pixels + first;
                    for (int i = 0; i < length; i++) memory[o + i] = memory[a + i * sa];
                    break;
                }
            }
        }
    }

    /// <summary>The second stage of the reductions: result[w] = partial[0][w] ∘ partial[1][w] ∘ … in thread order (deterministic).</summary>
    public static void Combine(ArrayView<double> memory, ArrayView<int> program, Layout layout)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int w = Grid.GlobalIndex.X; w < layout.PartialWidth; w += stride)
        {
            var function = LaneCode.Add;
            for (int n = 0; n < layout.Instructions; n++)
            {
                int at = n * Width, start = program[at + FOut];
                if (program[at + FOp] == (int)OpCode.Accumulate && w >= start && w < start + program[at + FCount])
                    function = (LaneCode)program[at + FFunction];
            }
            double total = memory[layout.PartialBase + w];
            for (int t = 1; t < layout.Threads; t++)
                total = LaneMath.Apply(function, total, memory[layout.PartialBase + (long)t * layout.PartialWidth + w], 0);
            memory[layout.ResultBase + w] = total;
        }
    }

    /// <summary>Element m of the operand that output element k reads (through its map, if it has one).</summary>
    private static int Element(ArrayView<int> program, ArrayView<int> maps, int operand, int k)
    {
        int map = program[operand + OMap];
        return map < 0 ? k : maps[map + k];
    }

    private static long ScratchRow(Layout layout, int slot, int t) =>
        layout.ScratchBase + ((long)slot * layout.Threads + t) * layout.Tile;

    /// <summary>Where element m of an operand starts for this tile, and its stride over pixels (0 for uniforms).</summary>
    private static long Row(ArrayView<int> program, Layout layout, int operand, int m, int t, long first, out int stride)
    {
        int place = program[operand + OPlace], start = program[operand + OBase];
        stride = place == (int)Place.Uniform ? 0 : 1;
        return place switch
        {
            (int)Place.Scratch => ScratchRow(layout, start + m, t),
            (int)Place.Uniform => start + m,
            _ => start + m * layout.Pixels + first,
        };
    }
}
