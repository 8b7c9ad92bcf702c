using Kit.Notebooks;
using Kit.Scripting;

namespace Kit.Grading;

/// <summary>A cell as the grader runs it; <see cref="Info"/> always comes from the solution.</summary>
public sealed record MergedCell(string Source, Nbgrader? Info)
{
    public bool IsTest => Info is { IsTest: true };
    public bool IsAnswer => Info is { Solution: true };
}

/// <summary>
/// Builds what is graded, the nbgrader way: the student's notebook, with every test cell and
/// locked cell restored from the solution (so hidden tests run, and edited or deleted tests
/// do not count). Answer cells and the student's own extra cells are the student's. Points
/// come from the solution's metadata, never the submission's.
/// </summary>
public static class SubmissionMerger
{
    public static List<MergedCell> Merge(Notebook solution, Notebook submission)
    {
        var fromSolution = solution.Cells
            .Where(c => CellKernel.IsCSharp(c, solution))
            .Select(c => (Cell: c, Info: Nbgrader.Of(c)))
            .Where(x => x.Info is not null)
            .ToList();
        var byId = fromSolution.ToDictionary(x => x.Info!.GradeId);

        var merged = new List<MergedCell>();
        var seen = new HashSet<string>();
        foreach (var cell in submission.Cells.Where(c => CellKernel.IsCSharp(c, submission)))
        {
            var id = Nbgrader.Of(cell)?.GradeId;
            if (id is not null && byId.TryGetValue(id, out var original) && seen.Add(id))
                merged.Add(new MergedCell(original.Info!.Solution ? cell.Source : original.Cell.Source, original.Info));
            else
                merged.Add(new MergedCell(cell.Source, null)); // the student's own cell: runs, earns nothing
        }

        // Put back test and locked cells the submission lost, after the cell that precedes them in the solution.
        for (var i = 0; i < fromSolution.Count; i++)
        {
            var (cell, info) = fromSolution[i];
            if (seen.Contains(info!.GradeId) || info.Solution) continue;
            var anchor = fromSolution.Take(i).Select(x => x.Info!.GradeId).Where(seen.Contains).LastOrDefault();
            var at = anchor is null
                ? (info.IsTest ? merged.Count : 0)
                : merged.FindIndex(m => m.Info?.GradeId == anchor) + 1;
            merged.Insert(at, new MergedCell(cell.Source, info));
            seen.Add(info.GradeId);
        }
        return merged;
    }
}
