using System.Reflection;

namespace Kit.Scripting;

/// <summary>
/// The NuGet packages a notebook may ask for with <c>#r "nuget: Name, Version"</c>. The kit
/// cannot download packages, so it serves the ones it carries itself; Plotly.NET.Interactive
/// (the kernel extension that renders charts) maps to the kit's own chart formatter, and ILGPU
/// (for Adjoint.Gpu) is the version Adjoint.Gpu is built with.
/// </summary>
public static class PackageCatalog
{
    public sealed record Package(string Name, string CarriedVersion, IReadOnlyList<Assembly> Assemblies, bool EnablesCharts);

    private static readonly Lazy<IReadOnlyDictionary<string, Package>> Known = new(() =>
    {
        var plotly = WithDependencies(typeof(Plotly.NET.GenericChart).Assembly);
        var csharp = plotly.Prepend(typeof(Plotly.NET.CSharp.Chart).Assembly).ToList();
        var ilgpu = WithDependencies(typeof(ILGPU.Context).Assembly);
        var algorithms = WithDependencies(typeof(ILGPU.Algorithms.XMath).Assembly);
        return new[]
        {
            new Package("Plotly.NET", Version(plotly[0]), plotly, EnablesCharts: false),
            new Package("Plotly.NET.CSharp", Version(csharp[0]), csharp, EnablesCharts: false),
            new Package("Plotly.NET.Interactive", "any", plotly, EnablesCharts: true),
            // For Adjoint.Gpu: the kit carries the ILGPU it is built with.
            new Package("ILGPU", Version(ilgpu[0]), ilgpu, EnablesCharts: false),
            new Package("ILGPU.Algorithms", Version(algorithms[0]), algorithms, EnablesCharts: false),
        }.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    });

    public static IEnumerable<string> Names => Known.Value.Keys;

    /// <summary>The carried package, or an error message naming the package.</summary>
    public static Package Resolve(string name) =>
        Known.Value.TryGetValue(name, out var package)
            ? package
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
