using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Kit.Notebooks;
using Spectre.Console;

namespace Kit.Grading;

/// <summary><c>kit grade &lt;submission.ipynb|folder&gt;</c>: auto-grades submissions against their solutions.</summary>
public static class GradeCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("submission") { Description = "A submitted notebook, or a folder of them (graded one by one)." };
        var solution = new Option<string?>("--solution") { Description = "The solution notebook (default: found by metadata or file name in --solutions)." };
        var solutions = new Option<string>("--solutions") { Description = "Folder of solution notebooks.", DefaultValueFactory = _ => "solutions" };
        var json = new Option<string?>("--json") { Description = "Write the report as JSON (format: docs/grading.md)." };
        var csv = new Option<string?>("--csv") { Description = "Class summary CSV when grading a folder (written only when given; nothing is ever written into the graded folder)." };
        var timeout = Cli.TimeoutOption(60);
        var memory = new Option<int>("--memory-mb") { Description = "GC heap limit of each submission's process.", DefaultValueFactory = _ => 2048 };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Submissions graded at once (default: one per 2 cores, at least 1).", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount / 2) };
        var requireSandbox = new Option<bool>("--require-sandbox") { Description = "Refuse to grade unless each submission runs in the bubblewrap sandbox." };
        var noSandbox = new Option<bool>("--no-sandbox") { Description = "Do not use the sandbox even where it is available (trusted submissions only)." };
        var shard = new Option<string?>("--shard") { Description = "k/N: grade only the k-th of N equal shares of the folder (for batch jobs; merge with kit grade-merge)." };
        var classroom = new Option<string?>("--classroom-output") { Description = "Append the GitHub Classroom reporter's result (result=<base64 JSON>) to this file, e.g. \"$GITHUB_OUTPUT\"." };
        var command = new Command("grade", "Grade submissions, each in its own sandboxed process with time and memory limits.")
            { target, solution, solutions, json, csv, timeout, memory, jobs, requireSandbox, noSandbox, shard, classroom };
        command.SetAction(r =>
        {
            var limits = WorkerLimits.For(TimeSpan.FromSeconds(r.GetValue(timeout)), r.GetValue(memory) * 1024L * 1024);
            var mode = r.GetValue(requireSandbox) ? SandboxMode.Required : r.GetValue(noSandbox) ? SandboxMode.Off : SandboxMode.Auto;
            if (!Shard.TryParse(r.GetValue(shard), out var share))
            {
                AnsiConsole.MarkupLine("[red]error:[/] --shard takes k/N with 1 <= k <= N, e.g. 2/8");
                return 2;
            }
            return Run(r.GetValue(target)!, r.GetValue(solution), r.GetValue(solutions)!, new GradeOutputs(r.GetValue(json), r.GetValue(csv), r.GetValue(classroom)),
                limits, new GradeOptions(Sandbox: mode), Math.Max(1, r.GetValue(jobs)), share);
        });
        return command;
    }

    public static int Run(string target, string? solution, string solutionsDir, GradeOutputs outputs, WorkerLimits limits,
        GradeOptions? options = null, int jobs = 1, Shard? shard = null)
    {
        var grader = new Grader(limits, options);
        var isFolder = Directory.Exists(target);
        if (!isFolder && !File.Exists(target))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {Feedback.Clean(target)}: no such file or folder");
            return 2;
        }
        bool sandboxed;
        try { sandboxed = grader.Sandboxed; }
        catch (GraderException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 2;
        }
        AnsiConsole.MarkupLineInterpolated($"[grey]isolation: {Sandbox.Describe(sandboxed)}[/]");
        var submissions = isFolder ? NotebookFiles.InFolder(target).ToList() : [target];
        if (shard is not null) submissions = shard.Select(submissions);
        var results = GradeAll(grader, submissions, solution, solutionsDir, jobs);
        var reports = results.Where(r => r.Error is null).ToList();
        var failures = results.Count - reports.Count;
        if (outputs.Json is not null)
            Notebook.WriteAtomically(outputs.Json, isFolder
                ? JsonSerializer.Serialize(results, GradeReport.Json)
                : JsonSerializer.Serialize(results[0], GradeReport.Json));
        if (outputs.Classroom is not null)
            File.AppendAllText(outputs.Classroom, $"result={ClassroomResult.Encode(reports, failures)}\n");
        // Reports go only where asked: the graded folder (students' files) is never written to.
        if (isFolder) WriteSummary(results, outputs.Csv);
        return failures > 0 ? 2 : 0;
    }

    /// <summary>The class summary: a table on the console, and the CSV when a path is given.</summary>
    public static void WriteSummary(IReadOnlyList<GradeReport> reports, string? csvPath)
    {
        AnsiConsole.Write(ClassSummary.Table(reports));
        if (csvPath is null) return;
        Notebook.WriteAtomically(csvPath, ClassSummary.Csv(reports));
        AnsiConsole.MarkupLineInterpolated($"class summary: {csvPath}");
    }

    /// <summary>Grades the submissions <paramref name="jobs"/> at a time; each is printed as it is done, reports keep
    /// the submissions' order. A submission that cannot be graded gets an error entry; the others go on.</summary>
    private static List<GradeReport> GradeAll(Grader grader, List<string> submissions, string? solution, string solutionsDir, int jobs)
    {
        var results = new GradeReport[submissions.Count];
        var printLock = new Lock();
        Parallel.For(0, submissions.Count, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i =>
        {
            var submission = submissions[i];
            try
            {
                results[i] = grader.Grade(submission, solution ?? SolutionFinder.Find(submission, solutionsDir));
                lock (printLock) Print(results[i]!);
            }
            catch (Exception e) when (e is NotebookFormatException or GraderException or IOException or UnauthorizedAccessException)
            {
                results[i] = GradeReport.Failed(submission, solution, e.Message);
                lock (printLock) AnsiConsole.MarkupLineInterpolated($"[red]error:[/] could not grade {results[i].Submission}: {results[i].Error}");
            }
        });
        return [.. results];
    }

    private static void Print(GradeReport report)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{report.Submission}[/]: {report.Score:0.##} / {report.MaxScore:0.##} points ({report.Seconds:0.#} s)");
        var table = new Table().AddColumns("Test", "Points", "Status", "Message");
        foreach (var t in report.Tests)
        {
            var colour = t.Status == "passed" ? "green" : t.Status == "not attempted" ? "grey" : "red";
            table.AddRow(Markup.Escape(t.GradeId), $"{t.Points:0.##}/{t.MaxPoints:0.##}", $"[{colour}]{Markup.Escape(t.Status)}[/]", Markup.Escape(t.Message));
        }
        AnsiConsole.Write(table);
    }
}

/// <summary>Where kit grade writes its reports (null: not written).</summary>
public sealed record GradeOutputs(string? Json = null, string? Csv = null, string? Classroom = null);

/// <summary>The k-th of N shares of a class (1-based): every N-th submission in name order, so shares are equal and disjoint.</summary>
public sealed record Shard(int K, int N)
{
    public static bool TryParse(string? text, out Shard? shard)
    {
        shard = null;
        if (text is null) return true;
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var k) || !int.TryParse(parts[1], out var n) || n < 1 || k < 1 || k > n) return false;
        shard = new Shard(k, n);
        return true;
    }

    public List<string> Select(IEnumerable<string> submissions) =>
        [.. submissions.Order(StringComparer.Ordinal).Where((_, i) => i % N == K - 1)];
}

/// <summary>One row per submission, one column per test.</summary>
internal static class ClassSummary
{
    public static string Csv(IReadOnlyList<GradeReport> reports)
    {
        var ids = reports.SelectMany(r => r.Tests.Select(t => t.GradeId)).Distinct().ToList();
        var text = new StringBuilder();
        text.AppendLine(string.Join(',', new[] { "submission", "score", "max_score" }.Concat(ids).Select(Quote)));
        foreach (var r in reports)
        {
            var cells = new[] { r.Submission, r.Error is null ? Number(r.Score) : "error", r.Error is null ? Number(r.MaxScore) : "" }
                .Concat(ids.Select(id => r.Tests.FirstOrDefault(t => t.GradeId == id) is { } t ? Number(t.Points) : ""));
            text.AppendLine(string.Join(',', cells.Select(Quote)));
        }
        return text.ToString();
    }

    public static Table Table(IReadOnlyList<GradeReport> reports)
    {
        var table = new Table { Title = new TableTitle("Class summary") }.AddColumns("Submission", "Score", "Max");
        foreach (var r in reports)
            table.AddRow(Markup.Escape(r.Submission), r.Error is null ? Number(r.Score) : "[red]error[/]", r.Error is null ? Number(r.MaxScore) : "");
        return table;
    }

    private static string Number(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);

    // A leading = + @ would make a spreadsheet read the field as a formula.
    private static string Quote(string field)
    {
        field = Feedback.Clean(field, int.MaxValue);
        if (field.Length > 0 && field[0] is '=' or '+' or '@') field = "'" + field;
        return field.IndexOfAny([',', '"']) < 0 ? field : $"\"{field.Replace("\"", "\"\"")}\"";
    }
}
