using Kit.Grading.Policy;
using Kit.Notebooks;

namespace Kit.Grading;

/// <summary>A cell as the grader runs it.</summary>
/// <param name="Source">What runs: the solution's cell, or for answer cells the submission's body.</param>
/// <param name="Info">Role, id and points: always the solution's.</param>
/// <param name="Visible">For a test with hidden parts, its visible part: run first, so that only its
/// failures show inputs and expected values.</param>
/// <param name="Property">For tests: what the test checks, the only thing said when hidden parts fail.</param>
public sealed record MergedCell(string Source, Nbgrader? Info, string? Visible = null, string Property = "")
{
    public bool IsTest => Info is { IsTest: true };
    public bool IsAnswer => Info is { Solution: true };
}

/// <summary>
/// Builds what is graded: the solution's C# cells in the solution's order, with their roles, ids and
/// points, test and locked cells as the solution has them (with library names bound, see
/// <see cref="GlobalQualifier"/>). The submission supplies only the bodies of answer cells, matched by
/// grade_id; an answer it lacks is the exercise's stub. Everything else in the submission (its test
/// cells, its metadata, cells of its own) is ignored.
/// </summary>
public static class SubmissionMerger
{
    public static List<MergedCell> Merge(BoundSolution solution, Notebook submission)
    {
        var answers = new Dictionary<string, string>();
        foreach (var cell in submission.Cells.Where(c => c.IsCode))
            if (Nbgrader.Of(cell)?.GradeId is { } id) answers.TryAdd(id, cell.Source);
        return
        [
            .. solution.Cells.Select(c => c.IsAnswer
                ? new MergedCell(answers.GetValueOrDefault(c.Info!.GradeId) ?? c.Stub, c.Info)
                : new MergedCell(c.Source, c.Info, c.Visible, c.Property)),
        ];
    }
}
