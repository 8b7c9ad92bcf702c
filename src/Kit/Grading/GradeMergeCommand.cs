using System.CommandLine;
using System.Text.Json;
using Kit.Notebooks;
using Spectre.Console;

namespace Kit.Grading;

/// <summary><c>kit grade-merge a.json b.json ... --json all.json --csv grades.csv</c>: joins the reports of
/// shards (<c>kit grade --shard k/N --json</c>) into one class report.</summary>
public static class GradeMergeCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("reports") { Description = "JSON reports of kit grade (lists or single reports).", Arity = ArgumentArity.OneOrMore };
        var json = new Option<string?>("--json") { Description = "Write the merged list of reports." };
        var csv = new Option<string>("--csv") { Description = "Class summary CSV (default: grades.csv in the current directory).", DefaultValueFactory = _ => "grades.csv" };
        var command = new Command("grade-merge", "Merge the JSON reports of kit grade shards into one class report.") { inputs, json, csv };
        command.SetAction(r => Run(r.GetValue(inputs)!, r.GetValue(json), r.GetValue(csv)!));
        return command;
    }

    public static int Run(IReadOnlyList<string> inputs, string? jsonPath, string csvPath)
    {
        var reports = new List<GradeReport>();
        foreach (var input in inputs)
        {
            try { reports.AddRange(Read(input)); }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {input}: not a kit grade report ({Feedback.Clean(e.Message)})");
                return 2;
            }
        }
        var twice = reports.GroupBy(r => r.Submission).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {twice.Key} is in more than one report (overlapping shards?)");
            return 2;
        }
        reports = [.. reports.OrderBy(r => r.Submission, StringComparer.Ordinal)];
        if (jsonPath is not null) Notebook.WriteAtomically(jsonPath, JsonSerializer.Serialize(reports, GradeReport.Json));
        GradeCommand.WriteSummary(reports, csvPath);
        return 0;
    }

    private static IEnumerable<GradeReport> Read(string path)
    {
        var text = File.ReadAllText(path);
        return text.TrimStart().StartsWith('[')
            ? JsonSerializer.Deserialize<List<GradeReport>>(text, GradeReport.Json) ?? []
            : JsonSerializer.Deserialize<GradeReport>(text, GradeReport.Json) is { } one ? [one] : [];
    }
}
