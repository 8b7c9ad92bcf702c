using Kit.Generating;
using Kit.Notebooks;

namespace Kit.Grading;

/// <summary>Finds the solution a submission answers: the name kit generate stamped into the
/// exercise's metadata, else a solution with the same file name.</summary>
public static class SolutionFinder
{
    public static string Find(string submissionPath, string solutionsDir)
    {
        var submission = Notebook.Load(submissionPath);
        var candidates = new List<string>();
        if ((string?)submission.Metadata[ExerciseGenerator.SolutionKey] is { } name) candidates.Add(Path.Combine(solutionsDir, name));
        candidates.Add(Path.Combine(solutionsDir, Path.GetFileName(submissionPath)));
        return candidates.FirstOrDefault(File.Exists)
               ?? throw new GraderException($"{submissionPath}: no matching solution (looked for {string.Join(", ", candidates.Distinct())}); use --solution");
    }
}
