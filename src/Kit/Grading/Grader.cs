using System.Diagnostics;
using Kit.Notebooks;

namespace Kit.Grading;

/// <summary>
/// Grades one submission: merges it with its solution, runs it in a worker process, and
/// turns the cells' outcomes into points. A cell that hangs or kills the process is recorded
/// and skipped, and the submission is run again without it, so the other tests still count.
/// </summary>
public sealed class Grader(WorkerLimits limits)
{
    private const int MaxMessageChars = 400;

    /// <summary>How one cell ended, from the worker's events or from how the worker died.</summary>
    private sealed record Outcome(string Status, string? ErrorType, string? Message);

    public GradeReport Grade(string submissionPath, string solutionPath)
    {
        var clock = Stopwatch.StartNew();
        var solution = Notebook.Load(solutionPath);
        Nbgrader.Validate(solution);
        var cells = SubmissionMerger.Merge(solution, Notebook.Load(submissionPath));
        // A solution without graded cells (a lesson kept in solutions/) has nothing to grade: don't run it.
        var outcomes = cells.Any(c => c.IsTest) ? Run(cells, solution.Directory) : new Outcome?[cells.Count];
        var tests = Score(cells, outcomes);
        return new GradeReport(submissionPath, solutionPath, tests.Sum(t => t.Points), tests.Sum(t => t.MaxPoints), tests, Math.Round(clock.Elapsed.TotalSeconds, 2));
    }

    private Outcome?[] Run(List<MergedCell> cells, string directory)
    {
        var outcomes = new Outcome?[cells.Count];
        var skip = new bool[cells.Count];
        // Each pass either finishes or removes one more cell, so this ends.
        for (var pass = 0; pass <= cells.Count; pass++)
        {
            var job = new GradeJob(directory, limits.CellTimeout.TotalSeconds, limits.MaxOutputChars, "",
                cells.Select((c, i) => new JobCell(c.Source, skip[i])).ToList());
            var run = WorkerProcess.Run(job, limits);
            int? lastStarted = null;
            string? unhandled = null;
            var done = false;
            foreach (var e in run.Events)
            {
                switch (e.Event)
                {
                    case WorkerEventKind.Start: lastStarted = e.Cell; outcomes[e.Cell] = null; break;
                    case WorkerEventKind.End: outcomes[e.Cell] = new Outcome(e.Status!, e.ErrorType, e.Message); break;
                    case WorkerEventKind.Unhandled: unhandled = e.Message; break;
                    case WorkerEventKind.Done: done = true; break;
                }
            }
            if (done) break;
            if (lastStarted is not { } culprit)
                throw new GraderException($"the grading worker did not start (exit code {run.ExitCode}): {Tail(run.StandardError)}");
            outcomes[culprit] ??= Died(run, unhandled);
            skip[culprit] = true;
        }
        return outcomes;
    }

    // Why the worker stopped in the middle of a cell.
    private Outcome Died(WorkerRun run, string? unhandled)
    {
        if (run.Killed) return new Outcome("TimedOut", "Timeout", $"timed out (no progress for {limits.Silence.TotalSeconds:0} s)");
        if (unhandled is not null) return new Outcome("Crashed", null, $"the process crashed: unhandled exception on another thread: {unhandled}");
        if (run.StandardError.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase))
            return new Outcome("Crashed", null, "the process crashed: stack overflow (runaway recursion?)");
        return run.ExitCode > 128
            ? new Outcome("Crashed", null, $"the process crashed (signal {run.ExitCode - 128}): {FirstLines(run.StandardError)}")
            : new Outcome("Crashed", null, $"the code ended the process (exit code {run.ExitCode}, e.g. Environment.Exit)"
                                           + (run.StandardError.Length > 0 ? $": {FirstLines(run.StandardError)}" : ""));
    }

    private List<TestResult> Score(List<MergedCell> cells, Outcome?[] outcomes)
    {
        var results = new List<TestResult>();
        var answers = new List<(MergedCell Cell, Outcome? Outcome)>(); // answer cells since the previous test
        string? lastBroken = null; // the latest cell before this test that failed: the likely cause of a compile error
        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i].IsAnswer) answers.Add((cells[i], outcomes[i]));
            if (!cells[i].IsTest)
            {
                if (outcomes[i] is { Status: not "Ok" } broken)
                    lastBroken = $"{(cells[i].IsAnswer ? "answer cell" : "cell")} '{cells[i].Info?.GradeId ?? $"#{i + 1}"}' failed: {Describe(broken)}";
                continue;
            }
            var info = cells[i].Info!;
            var (status, message) = Judge(outcomes[i], answers, lastBroken);
            results.Add(new TestResult(info.GradeId, status == "passed" ? info.Points : 0, info.Points, status, Shorten(message)));
            answers.Clear();
        }
        return results;
    }

    private static (string Status, string Message) Judge(Outcome? test, List<(MergedCell Cell, Outcome? Outcome)> answers, string? lastBroken)
    {
        if (test is null) return ("not run", "not run");
        if (test.Status == "Ok") return ("passed", "");
        if (IsNotAttempted(test) || answers.Any(a => a.Outcome is { } o && IsNotAttempted(o))) return ("not attempted", "not attempted");
        if (test.Status == "TimedOut") return ("timed out", test.Message ?? "timed out");
        if (test.Status == "Crashed") return ("crashed", test.Message ?? "crashed");
        return ("failed", test.ErrorType == "CompilationError" && lastBroken is not null ? lastBroken : Describe(test));
    }

    private static bool IsNotAttempted(Outcome o) => o.ErrorType == typeof(NotImplementedException).FullName;

    private static string Describe(Outcome o) => (o.Status, o.ErrorType) switch
    {
        ("TimedOut" or "Crashed", _) => o.Message ?? o.Status,
        (_, "CompilationError") => $"compile error: {o.Message?.Split('\n')[0]}",
        (_, "Course.CheckFailedException") => o.Message ?? "",
        (_, { } type) => $"{type.Split('.')[^1]}: {o.Message}",
        _ => o.Message ?? "failed",
    };

    private static string Shorten(string text) => text.Length <= MaxMessageChars ? text : text[..MaxMessageChars] + "...";

    // The runtime's crash report starts with what happened ("Fatal error. System.AccessViolationException: ...").
    private static string FirstLines(string text) =>
        string.Join(" ", text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(2));

    private static string Tail(string text) => text.Length <= 300 ? text.Trim() : "..." + text[^300..].Trim();
}

/// <summary>The grader could not grade (as opposed to the submission scoring low).</summary>
public sealed class GraderException(string message) : Exception(message);
