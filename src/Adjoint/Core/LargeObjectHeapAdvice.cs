namespace Adjoint;

/// <summary>
/// Eager AD makes a fresh array per operation. With .NET's default settings an array over 85 kB goes to
/// the large-object heap, where it is zeroed page by page on first touch and counts towards a full
/// collection: eager Jacobians and Hessians of a few hundred variables then run several times slower
/// (kit bench toy, n = 200: fwd∘rev 0.37 ms with an 8 MB threshold, 1.8 ms with the default, 4.3 ms with
/// the notebook kernel's server GC on top). Our executables raise the threshold (Directory.Build.props);
/// a process that does not, such as a notebook kernel started without the course's settings, is told
/// once, the first time a result that large is made, how to fix it.
/// </summary>
internal static class LargeObjectHeapAdvice
{
    /// <summary>The default large-object threshold (85,000 bytes) in doubles.</summary>
    private const int DefaultThreshold = 85_000 / sizeof(double);

    private static int checkedOnce;

    public static void Allocating(int size)
    {
        if (size < DefaultThreshold || Volatile.Read(ref checkedOnce) != 0 || Interlocked.Exchange(ref checkedOnce, 1) != 0) return;
        if (PutsLargeArraysOnTheLargeObjectHeap()) Console.Error.WriteLine(Warning);
    }

    /// <summary>Whether a 100 kB array is born in the oldest generation (the large-object heap reports it as such).</summary>
    internal static bool PutsLargeArraysOnTheLargeObjectHeap() => GC.GetGeneration(new byte[100_000]) == GC.MaxGeneration;

    internal const string Warning =
        "Adjoint: this process puts arrays over 85 kB on the large-object heap (.NET's default), which makes eager " +
        "Jacobians and Hessians of a few hundred variables several times slower. Start it with the environment variable " +
        "DOTNET_GCLOHThreshold=0x800000 (the course's .vscode/settings.json does so for the notebook kernel: open the " +
        "repository folder in VS Code; for Jupyter run .devcontainer/jupyter-kernel.sh), or set System.GC.LOHThreshold in your project.";
}
