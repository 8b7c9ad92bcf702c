using System.Reflection;

namespace Kit.Scripting;

/// <summary>
/// The NuGet packages a notebook may ask for with <c>#r "nuget: Name, Version"</c>. The kit
/// cannot download packages, so it serves the ones it carries itself: ILGPU (for Adjoint.Gpu), the
/// version Adjoint.Gpu is built with. Plotly.NET 6 is refused with the reason: in the real kernel it
/// fails at the first chart (it needs FSharp.Core 10.1, the kernel has 10.0 loaded), and kit run must
/// fail where the kernel does. The course's charts (<c>Course.Charts</c>) run Plotly.NET in a load
/// context of their own.
/// </summary>
public static class PackageCatalog
{
    public sealed record Package(string Name, string CarriedVersion, IReadOnlyList<Assembly> Assemblies);

    private static readonly string[] PlotlyPackages = ["Plotly.NET", "Plotly.NET.CSharp", "Plotly.NET.Interactive"];

    private static readonly Lazy<IReadOnlyDictionary<string, Package>> Known = new(() =>
    {
        var ilgpu = WithDependencies(typeof(ILGPU.Context).Assembly);
        var algorithms = WithDependencies(typeof(ILGPU.Algorithms.XMath).Assembly);
        return new[]
        {
            // For Adjoint.Gpu: the kit carries the ILGPU it is built with.
            new Package("ILGPU", Version(ilgpu[0]), ilgpu),
            new Package("ILGPU.Algorithms", Version(algorithms[0]), algorithms),
        }.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    });

    public static IEnumerable<string> Names => Known.Value.Keys;

    /// <summary>The carried package, or an error message naming the package.</summary>
    public static Package Resolve(string name) =>
        Known.Value.TryGetValue(name, out var package)
            ? package
            : PlotlyPackages.Contains(name, StringComparer.OrdinalIgnoreCase)
            ? throw new KernelException(
                $"'{name}' does not work in the .NET Interactive kernel: Plotly.NET 6 needs FSharp.Core 10.1 and the kernel has " +
                "FSharp.Core 10.0 loaded. Use the course's charts (Course.Charts: Bars, LogLog, Heatmap, MatrixHeatmap), " +
                "which run Plotly.NET in a load context of their own.")
            : throw new KernelException(
                $"NuGet package '{name}' is not available: kit run cannot download packages and carries only " +
                $"{string.Join(", ", Known.Value.Keys)}.");

    // The package's own assembly plus the non-framework assemblies it references (FSharp.Core, ...).
    private static List<Assembly> WithDependencies(Assembly root)
    {
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var result = new List<Assembly> { root };
        foreach (var name in root.GetReferencedAssemblies())
        {
            var dependency = Assembly.Load(name);
            if (Path.GetDirectoryName(dependency.Location) != framework) result.Add(dependency);
        }
        return result;
    }

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "?";
}

/// <summary>A problem the kernel reports as the cell's error (bad directive, unknown package, ...).</summary>
public sealed class KernelException(string message) : Exception(message);
