using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Kit.Generating;
using Kit.Notebooks;
using Kit.Scripting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Kit.Grading.Policy;

/// <summary>What a solution forbids in one answer cell, beyond the default policy
/// (<c>metadata.kit.forbid</c>: names such as <c>Adjoint.Ad</c> or <c>Adjoint.Ad.Hessian</c>; <c>metadata.kit.why</c>: the reason).</summary>
public sealed record ExerciseRules(IReadOnlyList<string> Forbid, string Why)
{
    public static readonly ExerciseRules None = new([], "");

    public static ExerciseRules Of(Cell cell)
    {
        if (cell.Metadata["kit"] is not JsonObject kit || kit["forbid"] is not JsonArray forbid) return None;
        return new ExerciseRules([.. forbid.Select(f => (string?)f).OfType<string>()], (string?)kit["why"] ?? "the exercise forbids it");
    }
}

/// <summary>One C# cell of a solution as the grader runs it.</summary>
/// <param name="Info">Its nbgrader metadata (role, id, points), if any.</param>
/// <param name="Rules">For answer cells: what the exercise forbids in them.</param>
/// <param name="Source">For course cells (tests, locked and plain cells): the cell with library names bound by their
/// full names. For answer cells: the reference answer (never run for a submission).</param>
/// <param name="Visible">For a test with hidden parts: the visible part alone (what the exercise shows), else null.</param>
/// <param name="Stub">For answer cells: the exercise's stub, used when the submission has no such cell.</param>
/// <param name="Property">For tests: what the test checks (its leading comment, else its id), shown when hidden parts fail.</param>
public sealed record SolutionCell(Nbgrader? Info, string Source, string? Visible, string Stub, ExerciseRules Rules, string Property)
{
    public bool IsAnswer => Info is { Solution: true };
}

/// <summary>
/// A solution made ready for grading, once per solution file: its C# cells in order, course cells
/// rewritten so that tests bind to the real libraries whatever a submission declares, the names that
/// course cells take from earlier course cells (which answer cells may not declare again), and the
/// files its <c>#r</c> lines load (the only course files a sandboxed worker can see).
/// </summary>
public sealed class BoundSolution
{
    private static readonly ConcurrentDictionary<(string Path, DateTime Written), Lazy<BoundSolution>> Cache = new();

    private BoundSolution(string path, string directory, IReadOnlyList<SolutionCell> cells, IReadOnlyDictionary<string, string> protectedNames, IReadOnlyList<string> references)
    {
        Path = path;
        Directory = directory;
        Cells = cells;
        ProtectedNames = protectedNames;
        References = references;
    }

    public string Path { get; }
    public string Directory { get; }
    public IReadOnlyList<SolutionCell> Cells { get; }

    /// <summary>Name → the course cell that declares it, for names that later course cells use.</summary>
    public IReadOnlyDictionary<string, string> ProtectedNames { get; }

    /// <summary>Full paths of the files course cells reference with <c>#r</c>.</summary>
    public IReadOnlyList<string> References { get; }

    public bool HasTests => Cells.Any(c => c.Info is { IsTest: true });

    /// <summary>Loads and binds a solution; shared by every submission graded against the same file.</summary>
    public static BoundSolution Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var key = (full, File.GetLastWriteTimeUtc(full));
        return Cache.GetOrAdd(key, _ => new Lazy<BoundSolution>(() => Bind(path))).Value;
    }

    private static BoundSolution Bind(string path)
    {
        var solution = Notebook.Load(path);
        Nbgrader.Validate(solution);
        var code = solution.Cells.Select((c, i) => (Cell: c, Index: i)).Where(x => CellKernel.IsCSharp(x.Cell, solution)).ToList();
        var infos = code.Select(x => Nbgrader.Of(x.Cell)).ToList();
        var models = ScriptChain.Compile([.. code.Select((x, i) => new ScriptChain.Cell(x.Cell.Source, infos[i] is not { Solution: true }))], solution.Directory);

        // Course cells with library names spelled out; the exercise generated from that gives stubs and visible tests.
        var bound = solution.Clone(path);
        for (var i = 0; i < code.Count; i++)
            if (infos[i] is not { Solution: true }) bound.Cells[code[i].Index].Source = GlobalQualifier.Rewrite(models[i]);
        var exercise = ExerciseGenerator.Generate(bound, path, System.IO.Path.GetFileName(path));

        var cells = code.Select((x, i) =>
        {
            var source = bound.Cells[x.Index].Source;
            var shown = exercise.Cells[x.Index].Source;
            return new SolutionCell(infos[i], source, infos[i] is { IsTest: true } && shown != source ? shown : null, shown,
                ExerciseRules.Of(x.Cell), Property(x.Cell.Source, infos[i]?.GradeId));
        }).ToList();
        return new BoundSolution(path, solution.Directory, cells, ProtectedNamesOf(models, infos), ReferencesOf(cells, solution.Directory));
    }

    // Names a course cell binds to a top-level declaration of an earlier course cell.
    private static Dictionary<string, string> ProtectedNamesOf(IReadOnlyList<SemanticModel> models, IReadOnlyList<Nbgrader?> infos)
    {
        var cellOf = models.Select((m, i) => (m.SyntaxTree, i)).ToDictionary(x => x.SyntaxTree, x => x.i);
        var names = new Dictionary<string, string>();
        for (var i = 0; i < models.Count; i++)
        {
            if (infos[i] is { Solution: true }) continue;
            foreach (var name in models[i].SyntaxTree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (models[i].GetSymbolInfo(name).Symbol is not { } symbol || !IsTopLevel(symbol)) continue;
                if (symbol.DeclaringSyntaxReferences.FirstOrDefault()?.SyntaxTree is not { } tree || !cellOf.TryGetValue(tree, out var declaredIn)) continue;
                if (declaredIn == i || infos[declaredIn] is { Solution: true }) continue;
                names.TryAdd(symbol.Name, infos[declaredIn]?.GradeId ?? $"#{declaredIn + 1}");
            }
        }
        return names;
    }

    /// <summary>Declared at the top level of a cell: a script variable, method or type (not a local).</summary>
    internal static bool IsTopLevel(ISymbol symbol) =>
        symbol is IFieldSymbol or IMethodSymbol or IPropertySymbol or INamedTypeSymbol
        && symbol.ContainingType is { IsScriptClass: true };

    private static List<string> ReferencesOf(IEnumerable<SolutionCell> cells, string directory) =>
    [
        .. cells.Where(c => !c.IsAnswer)
            .SelectMany(c => c.Source.Split('\n'))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, """^\s*#r\s+"(?!nuget:)(?<path>[^"]+)"\s*$"""))
            .Where(m => m.Success)
            .Select(m => System.IO.Path.GetFullPath(m.Groups["path"].Value, directory))
            .Where(File.Exists)
            .Distinct(),
    ];

    // A test's leading comment says what it checks ("// ∂f/∂x1 from dual numbers, against the library's reverse mode").
    private static string Property(string source, string? id)
    {
        var comment = source.Split('\n').TakeWhile(l => l.TrimStart().StartsWith("//", StringComparison.Ordinal) && !l.Contains("HIDDEN TESTS"))
            .Select(l => l.TrimStart()[2..].Trim()).Where(l => l.Length > 0);
        var text = string.Join(" ", comment);
        return text.Length > 0 ? text : id ?? "";
    }
}
