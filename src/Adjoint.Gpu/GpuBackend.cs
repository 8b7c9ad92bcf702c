using Adjoint.Execution;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Adjoint.Gpu;

/// <summary>Which accelerator a <see cref="GpuBackend"/> uses.</summary>
public enum GpuDevice
{
    /// <summary>The first CUDA device if there is one, else ILGPU's CPU accelerator.</summary>
    Auto,
    /// <summary>A CUDA device; fails when there is none.</summary>
    Cuda,
    /// <summary>ILGPU's CPU accelerator (the kernels run as .NET code on all cores): the code path of a GPU, testable anywhere.</summary>
    Cpu,
}

/// <summary>
/// Runs jitted functions on an ILGPU accelerator: a CUDA GPU when one is present, else ILGPU's CPU
/// accelerator. One line picks the device, one line compiles:
/// <code>
/// using var gpu = new GpuBackend();          // gpu.Description says which device and why
/// var h = gpu.Jit(Ad.Hessian(likelihood.Nll)); // same results as Ad.Jit, computed on the device
/// </code>
/// The backend owns the ILGPU context, the accelerator and every compiled program's device memory;
/// disposing it frees them all, and a jitted function called afterwards throws <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class GpuBackend : IDisposable
{
    private readonly Context context;
    private readonly Accelerator accelerator;
    private readonly Action<KernelConfig, ArrayView<double>, ArrayView<int>, ArrayView<int>, Layout> run;
    private readonly Action<KernelConfig, ArrayView<double>, ArrayView<int>, Layout> combine;
    private readonly List<DeviceProgram> programs = [];
    private readonly object gate = new();
    private readonly int groupSize;
    private bool disposed;

    /// <summary>The accelerator's name, e.g. "NVIDIA H100 80GB HBM3" or "CPUAccelerator".</summary>
    public string Device { get; }

    /// <summary>Which device runs the kernels and why, e.g. "no CUDA device, using ILGPU CPU accelerator (2 threads)".</summary>
    public string Description { get; }

    /// <summary>Whether the kernels run on a CUDA GPU.</summary>
    public bool IsCuda => accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>Threads of each launch (G) and consecutive pixels per thread step (T).</summary>
    internal int Threads { get; }
    internal int Tile { get; }

    /// <summary>The most device memory one compiled program may take (the device's size; tests lower it).</summary>
    internal long MemoryLimit { get; set; }

    public GpuBackend(GpuDevice device = GpuDevice.Auto)
    {
        // The CPU accelerator: about one thread per core (ILGPU's smallest warp is 2 threads), and we
        // launch exactly that many threads, each running its own grid-stride loop.
        int cpuGroups = (Environment.ProcessorCount + 1) / 2;
        var cpu = new CPUDevice(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: cpuGroups);
        string? cudaProblem = null;
        context = Context.Create(builder =>
        {
            builder.CPU(cpu).EnableAlgorithms().Math(MathMode.Default);
            if (device == GpuDevice.Cpu) return;
            try { builder.Cuda(); }
            catch (Exception e) { cudaProblem = e.Message; }
        });
        try
        {
            var cudaDevices = context.GetCudaDevices();
            if (device != GpuDevice.Cpu && cudaDevices.Count > 0)
            {
                accelerator = cudaDevices[0].CreateAccelerator(context);
                Tile = 1; // one pixel per thread step: neighbouring threads read neighbouring pixels
                groupSize = 256;
                Threads = accelerator.NumMultiprocessors * Math.Min(accelerator.MaxNumThreadsPerMultiprocessor, 1024);
                Description = $"CUDA device {accelerator.Name} ({accelerator.MemorySize / 1e9:F0} GB, {accelerator.NumMultiprocessors} multiprocessors)";
            }
            else if (device == GpuDevice.Cuda)
                throw new InvalidOperationException($"GpuBackend: no CUDA device{(cudaProblem is null ? "" : $" ({cudaProblem})")}; use GpuDevice.Auto or GpuDevice.Cpu.");
            else
            {
                accelerator = cpu.CreateAccelerator(context);
                Tile = 256; // a tile's values stay in the core's cache while it runs through the program
                groupSize = 2;
                Threads = 2 * cpuGroups;
                string why = device == GpuDevice.Cpu ? "CPU requested" : cudaProblem is null ? "no CUDA device" : $"no CUDA device ({cudaProblem})";
                Description = $"{why}, using ILGPU CPU accelerator ({Threads} threads)";
            }
            Device = accelerator.Name;
            MemoryLimit = accelerator.MemorySize;
            run = accelerator.LoadStreamKernel<ArrayView<double>, ArrayView<int>, ArrayView<int>, Layout>(Interpreter.Run);
            combine = accelerator.LoadStreamKernel<ArrayView<double>, ArrayView<int>, Layout>(Interpreter.Combine);
        }
        catch
        {
            accelerator?.Dispose();
            context.Dispose();
            throw;
        }
    }

    public override string ToString() => Description;

    /// <summary>
    /// Compiles f for this device: traced once per input shape signature (as <c>Ad.Jit</c>), simplified,
    /// and run as device kernels. Inside another transformation (Grad of it) it traces straight through f.
    /// </summary>
    public Func<Tensor, Tensor> Jit(Func<Tensor, Tensor> f) => Ad.Jit(f, Compile);
    public Func<Tensor, Tensor, Tensor> Jit(Func<Tensor, Tensor, Tensor> f) => Ad.Jit(f, Compile);
    public Func<Tensor, Tensor, Tensor, Tensor> Jit(Func<Tensor, Tensor, Tensor, Tensor> f) => Ad.Jit(f, Compile);
    public Func<Tensor, Tensor, Tensor, Tensor, Tensor> Jit(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f) => Ad.Jit(f, Compile);

    /// <summary>
    /// A simplified graph as a device program (Ad.Jit caches one per input shape signature). The backend owns
    /// it, and runs one program at a time: the accelerator's stream is shared.
    /// </summary>
    private Func<Tensor[], Tensor[]> Compile(Graph graph)
    {
        DeviceProgram program;
        lock (gate)
        {
            ThrowIfDisposed();
            program = new DeviceProgram(this, Plan(graph));
            programs.Add(program);
        }
        return args =>
        {
            lock (gate)
            {
                ThrowIfDisposed();
                return program.Run(args);
            }
        };
    }

    private static PixelProgram Plan(Graph graph)
    {
        try { return PixelProgram.Plan(graph); }
        catch (NotSupportedException e) { throw new NotSupportedException($"Adjoint.Gpu cannot run this graph on the device: {e.Message} Use Ad.Jit (CPU) for this function.", e); }
    }

    private void ThrowIfDisposed()
    {
        if (disposed)
            throw new ObjectDisposedException(nameof(GpuBackend),
                $"This GpuBackend ({Description}) has been disposed, and with it the device memory of the functions it jitted. Create a new GpuBackend and jit again.");
    }

    /// <summary>Throws a clear out-of-memory error before allocating more than the device has.</summary>
    internal void CheckMemory(long bytes, string detail)
    {
        if (bytes > MemoryLimit)
            throw new InsufficientMemoryException(
                $"GpuBackend: the program needs {bytes / 1e6:F1} MB of device memory but {Device} has {MemoryLimit / 1e6:F1} MB: {detail}.");
    }

    internal MemoryBuffer1D<T, Stride1D.Dense> Allocate<T>(long length) where T : unmanaged
    {
        try { return accelerator.Allocate1D<T>(length); }
        catch (Exception e) when (e is OutOfMemoryException or AcceleratorException || e.GetType().Name.Contains("Cuda"))
        {
            long bytes = length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            throw new InsufficientMemoryException(
                $"GpuBackend: {Device} could not allocate {bytes / 1e6:F1} MB ({length:N0} × {typeof(T).Name}) of device memory: {e.Message}", e);
        }
    }

    /// <summary>One interpreter launch over all pixels, then the deterministic combine of the partial sums.</summary>
    internal void Launch(ArrayView<double> memory, ArrayView<int> program, ArrayView<int> maps, Layout layout)
    {
        run(new KernelConfig(Threads / groupSize, groupSize), memory, program, maps, layout);
        if (layout.PartialWidth > 0)
        {
            int groups = Math.Max(1, Math.Min(Threads / groupSize, (layout.PartialWidth + groupSize - 1) / groupSize));
            combine(new KernelConfig(groups, groupSize), memory, program, layout);
        }
        accelerator.Synchronize();
    }

    /// <summary>Frees every compiled program's device memory, the accelerator and the context.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            foreach (var p in programs) p.Dispose();
            programs.Clear();
            accelerator.Dispose();
            context.Dispose();
        }
    }
}
