using System.Text.RegularExpressions;

namespace Adjoint.Tests;

/// <summary>
/// The layers point one way: core (tensors, primitives, traces, transformations) ← Jit ← GPU. One namespace
/// holds them all, so the compiler cannot enforce it: this test reads the core's sources for Jit's type names.
/// </summary>
public class LayeringTests
{
    private static readonly string[] JitTypes =
        ["GraphTrace", "BlockedProgram", "EquationProgram", "FusedLoop", "PixelPlan", "VectorApi", "MakeGraph", "Capture", "Compiled"];

    private static readonly string[] JitFiles = ["Jit", "Ad.Jit.cs"];

    private static string Root()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Teaching.sln"))) root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("Teaching.sln");
        return root;
    }

    [Fact]
    public void TheCoreNamesNoJitType()
    {
        var library = Path.Combine(Root(), "src", "Adjoint");
        var core = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => !JitFiles.Any(j => Path.GetRelativePath(library, f).StartsWith(j)))
            .ToArray();
        Assert.NotEmpty(core);
        var pattern = new Regex(@"\b(" + string.Join("|", JitTypes) + @")\b");
        var found = core.SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => !x.line.TrimStart().StartsWith("//") && pattern.IsMatch(Regex.Replace(x.line, "\"[^\"]*\"", ""))) // code, not comments or messages
            .Select(x => $"{Path.GetRelativePath(library, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToArray();
        Assert.True(found.Length == 0, "The core names Jit types:\n" + string.Join("\n", found));
    }

    /// <summary>
    /// Adjoint.Gpu sits on the public executor interface (PixelProgram, LaneCode, LaneMath): the library lets no other
    /// assembly than its own tests see its internals, and the GPU sources hold no table of functions of their own.
    /// </summary>
    [Fact]
    public void TheGpuBackendUsesOnlyThePublicExecutorInterface()
    {
        var friends = typeof(Tensor).Assembly.GetCustomAttributes(typeof(System.Runtime.CompilerServices.InternalsVisibleToAttribute), false)
            .Cast<System.Runtime.CompilerServices.InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToArray();
        Assert.Equal(["Adjoint.Tests"], friends);

        var gpu = Directory.EnumerateFiles(Path.Combine(Root(), "src", "Adjoint.Gpu"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));
        // A case or switch arm on a function code (case LaneCode.Exp:, LaneCode.Sin => …) or on a primitive type.
        var table = new Regex(@"case\s+LaneCode\.|LaneCode\.\w+\s*=>|\bis\s+\w+P\b|Math\.(Exp|Sin|Log)\(");
        var found = gpu.SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line))).Where(x => table.IsMatch(x.line))
            .Select(x => $"{Path.GetFileName(x.f)}:{x.i + 1}: {x.line.Trim()}").ToArray();
        Assert.True(found.Length == 0, "Adjoint.Gpu computes functions of its own:\n" + string.Join("\n", found));
    }
}
