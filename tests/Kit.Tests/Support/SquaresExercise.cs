using Kit.Generating;
using Kit.Grading;
using Kit.Notebooks;

namespace Kit.Tests.Support;

/// <summary>
/// The fixture solution (Fixtures/squares.ipynb: Square, Cube, SumTo with 2 + 3 + 1 points) laid
/// out as in the repository: solutions/, exercises/ generated from it, and submissions made
/// from the exercise with chosen answer cells.
/// </summary>
public sealed class SquaresExercise : IDisposable
{
    public static readonly Dictionary<string, string> CorrectAnswers = new()
    {
        ["square"] = "static double Square(double x) => x * x;",
        ["cube"] = "static double Cube(double x) => x * x * x;",
        ["sum"] = "static int SumTo(int n) => n * (n + 1) / 2;",
    };

    public TempFolder Folder { get; } = new();
    public string Solution => Folder["solutions/squares.ipynb"];
    public string Exercise => Folder["exercises/squares.ipynb"];

    public SquaresExercise()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "squares.ipynb"), Folder.Write("solutions/squares.ipynb", ""), overwrite: true);
        Folder.AddCourseDll("solutions");
        ExerciseGenerator.Generate(Notebook.Load(Solution), Exercise, "squares.ipynb").Save();
    }

    /// <summary>The exercise with the given answer cells replaced (the others left as generated).</summary>
    public string Submission(string name, IReadOnlyDictionary<string, string> answers)
    {
        var notebook = Notebook.Load(Exercise);
        foreach (var cell in notebook.Cells)
            if (Nbgrader.Of(cell)?.GradeId is { } id && answers.TryGetValue(id, out var code)) cell.Source = code;
        var path = Folder[$"submissions/{name}.ipynb"];
        notebook.Save(path);
        return path;
    }

    public string CorrectExcept(string name, string id, string code) =>
        Submission(name, new Dictionary<string, string>(CorrectAnswers) { [id] = code });

    /// <summary>Limits in CPU time per cell: a loaded machine slows the wall clock, not these.</summary>
    public static WorkerLimits Limits(double cellTimeoutSeconds = 20) =>
        WorkerLimits.For(TimeSpan.FromSeconds(cellTimeoutSeconds), 512L * 1024 * 1024, 10_000);

    public GradeReport Grade(string submission, double cellTimeoutSeconds = 20, GradeOptions? options = null) =>
        new Grader(Limits(cellTimeoutSeconds), options).Grade(submission, Solution);

    public void Dispose() => Folder.Dispose();
}
