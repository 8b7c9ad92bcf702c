using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Kit.Scripting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Kit.Grading.Policy;

/// <summary>
/// Compiles a notebook's cells as the kernel chains them (each cell a script submission that
/// sees the ones before), without running anything, to read what each name binds to.
/// Kernel lines Roslyn does not know (<c>#!time</c>, <c>#r "nuget: ..."</c>) become blank lines, and so do
/// <c>#r</c>/<c>#load</c> in cells that may not load anything: line numbers stay the cell's own.
/// References are read as metadata, never loaded into the grader.
/// </summary>
internal static partial class ScriptChain
{
    private static readonly ConcurrentDictionary<string, MetadataReference> FileReferences = new();

    private static readonly Lazy<ScriptOptions> BaseOptions = new(() => ScriptOptions.Default
        .WithReferences(ScriptKernel.FrameworkReferences().Append(MetadataReference.CreateFromFile(typeof(ScriptGlobals).Assembly.Location)))
        .WithImports(ScriptKernel.DefaultUsings.Append(typeof(Scripting.Api.DisplayExtensions).Namespace!))
        .WithAllowUnsafe(true)); // so that unsafe code binds and the policy, not the compiler, names the rule

    /// <summary>One cell to compile: its source and whether it may load references (course cells may).</summary>
    public sealed record Cell(string Source, bool MayLoad);

    /// <summary>The semantic model of each cell, in order.</summary>
    public static IReadOnlyList<SemanticModel> Compile(IReadOnlyList<Cell> cells, string directory)
    {
        var options = BaseOptions.Value
            .WithMetadataResolver(new CachingResolver(ScriptMetadataResolver.Default.WithBaseDirectory(directory)))
            .WithSourceResolver(SourceFileResolver.Default); // #load is blanked out below; nothing to resolve
        var models = new List<SemanticModel>();
        Script? previous = null; // the last cell that compiled: a chain cannot continue from a cell with errors
        foreach (var cell in cells)
        {
            var (code, packages) = Prepare(cell);
            foreach (var package in packages) options = options.AddReferences(package);
            var script = previous is null ? CSharpScript.Create(code, options, typeof(ScriptGlobals)) : previous.ContinueWith(code, options);
            var compilation = script.GetCompilation();
            models.Add(compilation.GetSemanticModel(compilation.SyntaxTrees.Single()));
            if (!compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)) previous = script;
            else if (Environment.GetEnvironmentVariable("KIT_DEBUG_CHAIN") is not null)
                Console.Error.WriteLine(string.Join("\n", compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)));
        }
        return models;
    }

    private static (string Code, IEnumerable<System.Reflection.Assembly> Packages) Prepare(Cell cell)
    {
        var lines = cell.Source.Split('\n');
        var packages = new List<System.Reflection.Assembly>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (NugetLine().Match(lines[i]) is { Success: true } nuget)
            {
                if (cell.MayLoad)
                {
                    try { packages.AddRange(PackageCatalog.Resolve(nuget.Groups["name"].Value.Trim()).Assemblies); }
                    catch (KernelException) { } // the kernel reports it when the cell runs
                }
                lines[i] = "";
            }
            else if (MagicLine().IsMatch(lines[i]) || (!cell.MayLoad && LoadLine().IsMatch(lines[i]))) lines[i] = "";
        }
        return (string.Join('\n', lines), packages);
    }

    /// <summary>A kernel directive (<c>#r</c>, <c>#load</c>, any <c>#!</c> magic) on this line.</summary>
    public static bool IsDirective(string line) => MagicLine().IsMatch(line) || LoadLine().IsMatch(line);

    [GeneratedRegex("""^\s*#r\s+"nuget:\s*(?<name>[^,"]+)""")]
    private static partial Regex NugetLine();

    [GeneratedRegex(@"^\s*#!")]
    private static partial Regex MagicLine();

    [GeneratedRegex(@"^\s*#\s*(r|load)\b")]
    private static partial Regex LoadLine();

    /// <summary>Reads each referenced file's metadata once per grader process.</summary>
    private sealed class CachingResolver(ScriptMetadataResolver inner) : MetadataReferenceResolver
    {
        public override System.Collections.Immutable.ImmutableArray<PortableExecutableReference> ResolveReference(
            string reference, string? baseFilePath, MetadataReferenceProperties properties) =>
            [.. inner.ResolveReference(reference, baseFilePath, properties)
                .Select(r => r.FilePath is { } path ? (PortableExecutableReference)FileReferences.GetOrAdd(path + "|" + File.GetLastWriteTimeUtc(path).Ticks, _ => r) : r)];

        // A dependency of a #r'd file that is not beside it (Course.dll copied alone): the kit's own copy, as the kernel reuses it.
        public override bool ResolveMissingAssemblies => true;

        public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
            Path.Combine(Path.GetDirectoryName(typeof(ScriptChain).Assembly.Location)!, referenceIdentity.Name + ".dll") is var path && File.Exists(path)
                ? (PortableExecutableReference)FileReferences.GetOrAdd(path, p => MetadataReference.CreateFromFile(p))
                : null;

        public override bool Equals(object? other) => other is CachingResolver c && c == this;

        public override int GetHashCode() => inner.GetHashCode();
    }
}
