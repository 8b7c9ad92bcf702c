using System.CommandLine;
using Kit.Notebooks;
using Spectre.Console;

namespace Kit.Generating;

/// <summary><c>kit generate [--check]</c>: writes exercises/ from solutions/.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var check = new Option<bool>("--check") { Description = "Write nothing; exit 1 and list the differences if exercises/ is out of date." };
        var solutions = new Option<string>("--solutions") { Description = "Folder of solution notebooks.", DefaultValueFactory = _ => "solutions" };
        var exercises = new Option<string>("--exercises") { Description = "Folder of generated exercises.", DefaultValueFactory = _ => "exercises" };
        var command = new Command("generate", "Generate the students' exercises from the solution notebooks.") { check, solutions, exercises };
        command.SetAction(r => Run(r.GetValue(solutions)!, r.GetValue(exercises)!, r.GetValue(check)));
        return command;
    }

    public static int Run(string solutionsDir, string exercisesDir, bool check)
    {
        var expected = new Dictionary<string, string>(); // exercise path -> file text
        if (!Directory.Exists(solutionsDir))
            AnsiConsole.MarkupLineInterpolated($"[grey]notice: {solutionsDir}/ does not exist; no exercises to generate[/]");
        else
        {
            foreach (var file in NotebookFiles.InFolder(solutionsDir))
            {
                var relative = Path.GetRelativePath(solutionsDir, file);
                var target = Path.Combine(exercisesDir, relative);
                try
                {
                    var exercise = ExerciseGenerator.Generate(Notebook.Load(file), target, relative.Replace('\\', '/'));
                    expected[target] = exercise.Serialize();
                }
                catch (NotebookFormatException e)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                    return 2;
                }
            }
        }
        var existing = Directory.Exists(exercisesDir) ? NotebookFiles.InFolder(exercisesDir).ToList() : [];
        var stale = existing.Where(f => !expected.ContainsKey(f)).ToList();
        var changed = expected.Where(p => !File.Exists(p.Key) || File.ReadAllText(p.Key) != p.Value).ToList();

        if (check)
        {
            foreach (var (path, text) in changed) AnsiConsole.MarkupLineInterpolated($"[red]out of date:[/] {path}: {Difference(path, text)}");
            foreach (var path in stale) AnsiConsole.MarkupLineInterpolated($"[red]out of date:[/] {path}: no solution notebook generates it");
            if (changed.Count + stale.Count == 0) AnsiConsole.MarkupLineInterpolated($"exercises up to date ({expected.Count} notebooks)");
            else AnsiConsole.MarkupLine("run [bold]kit generate[/] to update exercises/");
            return changed.Count + stale.Count == 0 ? 0 : 1;
        }
        foreach (var (path, text) in changed)
        {
            Notebook.WriteAtomically(path, text);
            AnsiConsole.MarkupLineInterpolated($"wrote {path}");
        }
        foreach (var path in stale)
        {
            File.Delete(path);
            AnsiConsole.MarkupLineInterpolated($"removed {path} (no solution notebook generates it)");
        }
        AnsiConsole.MarkupLineInterpolated($"{expected.Count} exercises, {changed.Count} written, {stale.Count} removed");
        return 0;
    }

    // A short description of how the file on disk differs from what generate would write.
    private static string Difference(string path, string expectedText)
    {
        if (!File.Exists(path)) return "missing";
        Notebook actual;
        try { actual = Notebook.Load(path); }
        catch (NotebookFormatException e) { return e.Problem; }
        var wanted = Notebook.Parse(path, expectedText);
        if (actual.Cells.Count != wanted.Cells.Count) return $"has {actual.Cells.Count} cells, expected {wanted.Cells.Count}";
        for (var i = 0; i < wanted.Cells.Count; i++)
            if (!System.Text.Json.Nodes.JsonNode.DeepEquals(actual.Cells[i].Json, wanted.Cells[i].Json))
                return $"cell {i + 1} differs";
        return "metadata or formatting differs";
    }
}
