using System.Text.RegularExpressions;
using Kit.Notebooks;

namespace Kit.Generating;

/// <summary>
/// Turns a solution notebook into the students' exercise (nbgrader conventions): answers
/// between <c>// BEGIN SOLUTION</c> and <c>// END SOLUTION</c> become a stub, hidden tests
/// are removed, and the outputs of answer and test cells are cleared (they would give
/// the answers away). nbgrader metadata is kept: the grader relies on it.
/// </summary>
public static partial class ExerciseGenerator
{
    public const string CodeStub = "throw new NotImplementedException(); // YOUR CODE HERE";
    public const string TextStub = "YOUR ANSWER HERE";

    /// <summary>Notebook metadata that names the solution an exercise came from (used by kit grade).</summary>
    public const string SolutionKey = "kit_solution";

    public static Notebook Generate(Notebook solution, string exercisePath, string solutionName)
    {
        Nbgrader.Validate(solution);
        var exercise = solution.Clone(exercisePath);
        for (var i = 0; i < exercise.Cells.Count; i++)
        {
            var cell = exercise.Cells[i];
            var where = $"cell {i + 1}";
            var info = Nbgrader.Of(cell);
            var source = cell.Source;
            if (info is { Solution: true })
                source = ReplaceSolution(source, cell.IsCode ? CodeStub : TextStub, solution.Path, where);
            var withoutHidden = RemoveRegions(source, HiddenBegin(), HiddenEnd(), solution.Path, where);
            // A test that is all hidden runs nothing in the exercise: where the exercise's own tests grade
            // (GitHub Classroom's workflow) it would pass on an empty answer and give its points for nothing.
            if (info is { Grade: true } && cell.IsCode && withoutHidden != source && !HasCode(withoutHidden))
                throw new NotebookFormatException(solution.Path,
                    $"{where}: the test '{info.GradeId}' is all hidden, so its exercise copy checks nothing and would pass on an empty answer; " +
                    "keep a visible check that calls the answer above BEGIN HIDDEN TESTS");
            if (info is { Solution: true } || info is { Grade: true } || withoutHidden != source)
                if (cell.IsCode) cell.ClearOutputs();
            cell.Source = withoutHidden;
        }
        exercise.Metadata[SolutionKey] = solutionName;
        return exercise;
    }

    private static string ReplaceSolution(string source, string stub, string path, string where)
    {
        var lines = source.Split('\n');
        if (!lines.Any(l => SolutionBegin().IsMatch(l))) return stub; // nbgrader: no markers means the whole cell
        var result = new List<string>();
        var inside = false;
        foreach (var line in lines)
        {
            if (SolutionBegin().IsMatch(line))
            {
                if (inside) throw Unbalanced(path, where, "BEGIN SOLUTION inside another solution region");
                inside = true;
                result.Add(Indent(line) + stub);
            }
            else if (SolutionEnd().IsMatch(line))
            {
                if (!inside) throw Unbalanced(path, where, "END SOLUTION without BEGIN SOLUTION");
                inside = false;
            }
            else if (!inside) result.Add(line);
        }
        if (inside) throw Unbalanced(path, where, "BEGIN SOLUTION without END SOLUTION");
        return string.Join('\n', result);
    }

    private static string RemoveRegions(string source, Regex begin, Regex end, string path, string where)
    {
        var result = new List<string>();
        var inside = false;
        var removed = false;
        foreach (var line in source.Split('\n'))
        {
            if (begin.IsMatch(line))
            {
                if (inside) throw Unbalanced(path, where, "BEGIN HIDDEN TESTS inside another hidden region");
                inside = removed = true;
            }
            else if (end.IsMatch(line))
            {
                if (!inside) throw Unbalanced(path, where, "END HIDDEN TESTS without BEGIN HIDDEN TESTS");
                inside = false;
            }
            else if (!inside) result.Add(line);
        }
        if (inside) throw Unbalanced(path, where, "BEGIN HIDDEN TESTS without END HIDDEN TESTS");
        return removed ? string.Join('\n', result).TrimEnd('\n') : source;
    }

    private static bool HasCode(string source) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFactory.ParseTokens(source).Any(t => !Microsoft.CodeAnalysis.CSharpExtensions.IsKind(t, Microsoft.CodeAnalysis.CSharp.SyntaxKind.EndOfFileToken));

    private static string Indent(string line) => line[..(line.Length - line.TrimStart().Length)];

    private static NotebookFormatException Unbalanced(string path, string where, string problem) => new(path, $"{where}: {problem}");

    // Markers may be written as C# comments (//), Markdown headings (###) or HTML comments.
    private const string Prefix = @"^\s*(//|#+|<!--)?\s*";
    private const string Suffix = @"\s*(-->)?\s*$";

    [GeneratedRegex(Prefix + "BEGIN SOLUTION" + Suffix)] private static partial Regex SolutionBegin();
    [GeneratedRegex(Prefix + "END SOLUTION" + Suffix)] private static partial Regex SolutionEnd();
    [GeneratedRegex(Prefix + "BEGIN HIDDEN TESTS" + Suffix)] private static partial Regex HiddenBegin();
    [GeneratedRegex(Prefix + "END HIDDEN TESTS" + Suffix)] private static partial Regex HiddenEnd();
}
