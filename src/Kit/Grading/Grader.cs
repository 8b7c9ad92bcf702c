using System.Diagnostics;
using Kit.Grading.Policy;
using Kit.Notebooks;

namespace Kit.Grading;

/// <summary>A submission merged with its solution and checked against the answer policy, ready to run.</summary>
public sealed record PreparedSubmission(BoundSolution Solution, IReadOnlyList<MergedCell> Cells, IReadOnlyList<AnswerViolation> Violations);

/// <summary>
/// Grades one submission: merges it with its solution (the solution decides every cell but the answers'
/// bodies), checks the answers against the policy, runs the rest in a worker process (sandboxed when
/// available or required), and turns the cells' outcomes into points. A cell that hangs or kills the
/// process is recorded and skipped, and the submission is run again without it, so the other tests
/// still count.
/// </summary>
public sealed class Grader(WorkerLimits limits, GradeOptions? options = null)
{
    private readonly GradeOptions _options = options ?? GradeOptions.Default;

    /// <summary>How one cell ended, from the worker's events, from how the worker died, or from the policy.</summary>
    private sealed record Outcome(string Status, string? ErrorType, string? Message, bool Hidden = false);

    /// <summary>The isolation this grader applies; throws when the sandbox is required but not available.</summary>
    public bool Sandboxed => _options.Sandbox switch
    {
        SandboxMode.Off => false,
        SandboxMode.Auto => Sandbox.IsAvailable,
        _ => Sandbox.IsAvailable ? true : throw new GraderException("--require-sandbox: bubblewrap is not available here (apt-get install bubblewrap; it needs user namespaces)"),
    };

    public PreparedSubmission Prepare(string submissionPath, string solutionPath)
    {
        var solution = BoundSolution.Load(solutionPath);
        var cells = SubmissionMerger.Merge(solution, Notebook.Load(submissionPath));
        return new PreparedSubmission(solution, cells, _options.Policy ? Check(solution, cells) : []);
    }

    /// <summary>Answer cells longer than this are not compiled (the grader compiles submissions' code itself).</summary>
    public const int MaxAnswerChars = 100_000;

    /// <summary>How long the grader spends compiling one submission's answers for the policy.</summary>
    private static readonly TimeSpan CheckTime = TimeSpan.FromSeconds(60);

    private static List<AnswerViolation> Check(BoundSolution solution, List<MergedCell> cells)
    {
        var violations = new List<AnswerViolation>();
        var oversized = cells.Select(c => c.IsAnswer && c.Source.Length > MaxAnswerChars).ToArray();
        for (var i = 0; i < cells.Count; i++)
            if (oversized[i]) violations.Add(new AnswerViolation(cells[i].Info!.GradeId, 1, "size", $"line 1: the cell has {cells[i].Source.Length:N0} characters, more than {MaxAnswerChars:N0} [size]"));
        using var deadline = new CancellationTokenSource(CheckTime);
        IReadOnlyList<Microsoft.CodeAnalysis.SemanticModel> models;
        try
        {
            models = ScriptChain.Compile([.. cells.Select((c, i) => new ScriptChain.Cell(oversized[i] ? "" : c.Source, !c.IsAnswer))], solution.Directory, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new GraderException($"the answers did not compile within {CheckTime.TotalSeconds:0} s");
        }
        for (var i = 0; i < cells.Count; i++)
            if (cells[i].IsAnswer && !oversized[i])
                violations.AddRange(AnswerPolicy.Check(cells[i].Info!.GradeId, cells[i].Source, models[i], solution.Cells[i].Rules, solution.ProtectedNames));
        return violations;
    }

    public GradeReport Grade(string submissionPath, string solutionPath)
    {
        var clock = Stopwatch.StartNew();
        var sandboxed = Sandboxed;
        var prepared = Prepare(submissionPath, solutionPath);
        var cells = prepared.Cells.ToList();
        var outcomes = new Outcome?[cells.Count];
        foreach (var broken in prepared.Violations.GroupBy(v => v.GradeId))
        {
            var index = cells.FindIndex(c => c.Info?.GradeId == broken.Key);
            outcomes[index] = new Outcome("Failed", "PolicyViolation", $"not run: {string.Join("; ", broken.Select(v => v.Message))}");
        }
        // A solution without graded cells (a lesson kept in solutions/) has nothing to grade: don't run it.
        if (prepared.Solution.HasTests) Run(cells, outcomes, prepared.Solution, sandboxed);
        var tests = Score(cells, outcomes);
        return new GradeReport(Feedback.Clean(submissionPath), solutionPath, tests.Sum(t => t.Points), tests.Sum(t => t.MaxPoints), tests,
            Math.Round(clock.Elapsed.TotalSeconds, 2), Sandbox.Describe(sandboxed));
    }

    private void Run(List<MergedCell> cells, Outcome?[] outcomes, BoundSolution solution, bool sandboxed)
    {
        var skip = outcomes.Select(o => o is not null).ToArray(); // cells the policy rejected never run
        var sandbox = sandboxed ? new WorkerSandbox(SandboxFiles(solution), []) : null;
        // Each pass either finishes or removes one more cell, so this ends.
        for (var pass = 0; pass <= cells.Count; pass++)
        {
            var job = new GradeJob(solution.Directory, limits.CellTimeout.TotalSeconds, limits.MaxOutputChars, "",
                [.. cells.Select((c, i) => new JobCell(c.Source, skip[i], c.Visible))]);
            var run = WorkerProcess.Run(job, limits, sandbox);
            int? lastStarted = null;
            var inHidden = false;
            string? unhandled = null;
            var done = false;
            foreach (var e in run.Events)
            {
                switch (e.Event)
                {
                    case WorkerEventKind.Start: lastStarted = e.Cell; inHidden = e.Hidden; outcomes[e.Cell] = null; break;
                    case WorkerEventKind.End: outcomes[e.Cell] = new Outcome(e.Status ?? "Failed", e.ErrorType, e.Message, e.Hidden); break;
                    case WorkerEventKind.Unhandled: unhandled = e.Message; break;
                    case WorkerEventKind.Done: done = true; break;
                }
            }
            if (done) return;
            if (lastStarted is not { } culprit)
                throw new GraderException($"the grading worker did not start (exit code {run.ExitCode}): {Feedback.Clean(Tail(run.StandardError))}");
            outcomes[culprit] ??= Died(run, unhandled, inHidden);
            skip[culprit] = true;
        }
    }

    // The #r'd files and the other assemblies beside them (their dependencies), never other files of the course.
    private static List<string> SandboxFiles(BoundSolution solution) =>
    [
        .. solution.References.SelectMany(file => Directory.EnumerateFiles(Path.GetDirectoryName(file)!, "*.dll").Append(file)).Distinct(),
    ];

    // Why the worker stopped in the middle of a cell. Details of a crash in hidden tests stay hidden.
    private Outcome Died(WorkerRun run, string? unhandled, bool hidden)
    {
        if (run.Killed) return new Outcome("TimedOut", "Timeout", $"timed out (no progress for {limits.Silence.TotalSeconds:0} s)", hidden);
        if (unhandled is not null) return new Outcome("Crashed", null, $"the process crashed: unhandled exception on another thread: {unhandled}", hidden);
        if (run.StandardError.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase))
            return new Outcome("Crashed", null, "the process crashed: stack overflow (runaway recursion?)", hidden);
        return run.ExitCode > 128
            ? new Outcome("Crashed", null, $"the process crashed (signal {run.ExitCode - 128}): {FirstLines(run.StandardError)}", hidden)
            : new Outcome("Crashed", null, $"the code ended the process (exit code {run.ExitCode}, e.g. Environment.Exit)"
                                           + (run.StandardError.Length > 0 ? $": {FirstLines(run.StandardError)}" : ""), hidden);
    }

    private static List<TestResult> Score(List<MergedCell> cells, Outcome?[] outcomes)
    {
        var results = new List<TestResult>();
        var answers = new List<(MergedCell Cell, Outcome? Outcome)>(); // answer cells since the previous test
        var teacherText = string.Join("\n", cells.Where(c => !c.IsAnswer).Select(c => c.Source)); // every cell but answers is the solution's
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
            var (status, message) = Judge(outcomes[i], answers, lastBroken, cells[i].Property, teacherText);
            results.Add(new TestResult(info.GradeId, status == "passed" ? info.Points : 0, info.Points, status, Feedback.Clean(message)));
            answers.Clear();
        }
        return results;
    }

    private static (string Status, string Message) Judge(Outcome? test, List<(MergedCell Cell, Outcome? Outcome)> answers, string? lastBroken, string property, string teacherText)
    {
        if (test is null) return ("not run", "not run");
        if (test.Status == "Ok") return ("passed", "");
        if (IsNotAttempted(test) || answers.Any(a => a.Outcome is { } o && IsNotAttempted(o))) return ("not attempted", "not attempted");
        var status = test.Status switch { "TimedOut" => "timed out", "Crashed" => "crashed", _ => "failed" };
        // Hidden tests say what they check, never their inputs, expected values or the code's own messages.
        if (test.Hidden)
            return (status, $"a hidden test {(status == "failed" ? "failed" : $"{status}")}: {property}" +
                            (status == "failed" && SolutionHint(test.Message, teacherText) is { } hint
                                ? $"; hint: {hint}"
                                : " (the visible tests pass; try other inputs, edge cases and signs)"));
        if (status != "failed") return (status, test.Message ?? status);
        return ("failed", test.ErrorType == "CompilationError" && lastBroken is not null ? lastBroken : Describe(test));
    }

    // A hidden test may name the mistake it diagnosed (Course.Check's "…; hint: <text>"). The hint is shown only if
    // the solution's own cells (tests and locked cells, never answers) hold it verbatim: a fixed text written by the
    // teacher, so answer code that throws a message of its own cannot pass a hidden input or expected value through it.
    private const string HintMarker = "hint: ";

    private static string? SolutionHint(string? message, string teacherText)
    {
        var at = message?.LastIndexOf(HintMarker, StringComparison.Ordinal) ?? -1;
        if (at < 0) return null;
        var hint = message![(at + HintMarker.Length)..].Trim();
        return hint.Length >= 10 && teacherText.Contains(hint, StringComparison.Ordinal) ? hint : null;
    }

    private static bool IsNotAttempted(Outcome o) => o.ErrorType == typeof(NotImplementedException).FullName;

    private static string Describe(Outcome o) => (o.Status, o.ErrorType) switch
    {
        ("TimedOut" or "Crashed", _) => o.Message ?? o.Status,
        (_, "CompilationError") => $"compile error: {o.Message?.Split('\n')[0]}",
        (_, "PolicyViolation" or "Course.CheckFailedException") => o.Message ?? "",
        (_, { } type) => $"{type.Split('.')[^1]}: {o.Message}",
        _ => o.Message ?? "failed",
    };

    // The runtime's crash report starts with what happened ("Fatal error. System.AccessViolationException: ...").
    private static string FirstLines(string text) =>
        string.Join(" ", text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(2));

    private static string Tail(string text) => text.Length <= 300 ? text.Trim() : "..." + text[^300..].Trim();
}

/// <summary>The grader could not grade (as opposed to the submission scoring low).</summary>
public sealed class GraderException(string message) : Exception(message);
