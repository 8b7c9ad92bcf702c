using System.Text.RegularExpressions;

namespace Adjoint.Tests;

/// <summary>
/// The layers point one way: core (tensors, primitives, traces, transformations) ← Jit ← GPU. One namespace
/// holds them all, so the compiler cannot enforce it: this test reads the core's sources for Jit's type names.
/// </summary>
public class LayeringTests
{
    private static readonly string[] JitTypes =
        ["GraphTrace", "BlockedProgram", "FusedLoop", "PixelPlan", "VectorApi", "MakeGraph", "Capture", "Compiled"];

    private static readonly string[] JitFiles = ["Jit", "Ad.Jit.cs"];

    [Fact]
    public void TheCoreNamesNoJitType()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Teaching.sln"))) root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("Teaching.sln");
        var library = Path.Combine(root, "src", "Adjoint");
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
}
