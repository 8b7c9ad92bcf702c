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
        var csv = new Option<string?>("--csv") { Description = "Class summary CSV when grading a folder (default: <folder>/grades.csv)." };
        var timeout = Cli.TimeoutOption(60);
        var memory = new Option<int>("--memory-mb") { Description = "GC heap limit of each submission's process.", DefaultValueFactory = _ => 2048 };
        var command = new Command("grade", "Grade submissions, each in its own process with time and memory limits.")
            { target, solution, solutions, json, csv, timeout, memory };
        command.SetAction(r =>
        {
            var cellTimeout = TimeSpan.FromSeconds(r.GetValue(timeout));
            var limits = new WorkerLimits(cellTimeout, r.GetValue(memory) * 1024L * 1024, 100_000, cellTimeout + TimeSpan.FromSeconds(30));
            return Run(r.GetValue(target)!, r.GetValue(solution), r.GetValue(solutions)!, r.GetValue(json), r.GetValue(csv), limits);
        });
        return command;
    }

    public static int Run(string target, string? solution, string solutionsDir, string? jsonPath, string? csvPath, WorkerLimits limits)
    {
        var grader = new Grader(limits);
        var isFolder = Directory.Exists(target);
        if (!isFolder && !File.Exists(target))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {target}: no such file or folder");
            return 2;
        }
        var submissions = isFolder ? NotebookFiles.InFolder(target).ToList() : [target];
        var reports = new List<GradeReport>();
        var failures = 0;
        foreach (var submission in submissions)
        {
            try
            {
                var report = grader.Grade(submission, solution ?? SolutionFinder.Find(submission, solutionsDir));
                reports.Add(report);
                Print(report);
            }
            catch (Exception e) when (e is NotebookFormatException or GraderException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] could not grade {submission}: {e.Message}");
                failures++;
            }
        }
        if (jsonPath is not null)
            Notebook.WriteAtomically(jsonPath, isFolder
                ? JsonSerializer.Serialize(reports, GradeReport.Json)
                : reports.Count == 1 ? JsonSerializer.Serialize(reports[0], GradeReport.Json) : "null");
        if (isFolder)
        {
            var csv = csvPath ?? Path.Combine(target, "grades.csv");
            Notebook.WriteAtomically(csv, ClassSummary.Csv(reports));
            AnsiConsole.Write(ClassSummary.Table(reports));
            AnsiConsole.MarkupLineInterpolated($"class summary: {csv}");
        }
        return failures > 0 ? 2 : 0;
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
            var cells = new[] { r.Submission, Number(r.Score), Number(r.MaxScore) }
                .Concat(ids.Select(id => r.Tests.FirstOrDefault(t => t.GradeId == id) is { } t ? Number(t.Points) : ""));
            text.AppendLine(string.Join(',', cells.Select(Quote)));
        }
        return text.ToString();
    }

    public static Table Table(IReadOnlyList<GradeReport> reports)
    {
        var table = new Table { Title = new TableTitle("Class summary") }.AddColumns("Submission", "Score", "Max");
        foreach (var r in reports) table.AddRow(Markup.Escape(r.Submission), Number(r.Score), Number(r.MaxScore));
        return table;
    }

    private static string Number(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n']) < 0 ? field : $"\"{field.Replace("\"", "\"\"")}\"";
}
