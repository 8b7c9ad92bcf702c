using System.CommandLine;
using System.Text;
using Kit.Notebooks;
using Spectre.Console;

namespace Kit.Grading.Classroom;

/// <summary>
/// <c>kit classroom [--out .] [--exercises exercises] [--check]</c>: adds GitHub Classroom autograding to a
/// student template: <c>.github/workflows/classroom.yml</c> (checkout, .NET, build, one <c>kit grade</c> step per
/// exercise with <c>--classroom-output</c>, and the Classroom grading reporter) and <c>.classroom/</c>,
/// reference copies of the exercises whose tests the workflow runs.
/// </summary>
public static class ClassroomCommand
{
    public const string Workflow = ".github/workflows/classroom.yml";
    // Beside exercises/, at the same depth, so that the notebooks' #r "../artifacts/..." lines resolve from here too.
    public const string References = ".classroom";
    public const string KitCommand = "dotnet artifacts/bin/Kit/debug/kit.dll";

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "The template repository's folder.", DefaultValueFactory = _ => "." };
        var exercises = new Option<string>("--exercises") { Description = "Folder of the exercises (relative to --out).", DefaultValueFactory = _ => "exercises" };
        var check = new Option<bool>("--check") { Description = "Write nothing; exit 1 if the files differ from what would be written." };
        var command = new Command("classroom", "Write the GitHub Classroom autograding workflow for a student template.") { output, exercises, check };
        command.SetAction(r => Run(r.GetValue(output)!, r.GetValue(exercises)!, r.GetValue(check)));
        return command;
    }

    public static int Run(string root, string exercisesFolder, bool check)
    {
        var folder = Path.Combine(root, exercisesFolder);
        if (!Directory.Exists(folder))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {folder}: no such folder");
            return 2;
        }
        var exercises = NotebookFiles.InFolder(folder).Order(StringComparer.Ordinal).ToList();
        var files = new Dictionary<string, string> { [Workflow] = WorkflowText(exercises.Select(Path.GetFileName).ToList()!, exercisesFolder) };
        foreach (var exercise in exercises)
            files[$"{References}/{Path.GetFileName(exercise)}"] = File.ReadAllText(exercise);

        var stale = files.Where(f => !File.Exists(Path.Combine(root, f.Key)) || File.ReadAllText(Path.Combine(root, f.Key)) != f.Value).Select(f => f.Key).ToList();
        if (check)
        {
            foreach (var path in stale) AnsiConsole.MarkupLineInterpolated($"{path}: out of date (run kit classroom)");
            return stale.Count > 0 ? 1 : 0;
        }
        foreach (var path in stale)
        {
            Notebook.WriteAtomically(Path.Combine(root, path), files[path]);
            AnsiConsole.MarkupLineInterpolated($"wrote {path}");
        }
        AnsiConsole.MarkupLineInterpolated($"{files.Count} files, {stale.Count} written");
        return 0;
    }

    /// <summary>The step id of the n-th exercise (also the reporter's <c>ID_RESULTS</c> variable).</summary>
    public static string StepId(int index) => $"ex{index + 1:00}";

    private static string WorkflowText(IReadOnlyList<string> exercises, string exercisesFolder)
    {
        var text = new StringBuilder("""
            # Written by `kit classroom`: GitHub Classroom autograding of the course's exercises.
            # Each exercise is one step of `kit grade`, whose result the Classroom grading reporter adds up.
            # The tests are the exercises' visible tests, from .classroom/ (a student's own repository
            # cannot keep hidden tests or solutions secret, and a student can edit this file): this is
            # feedback while working. Final grades come from the teacher's batch grading with the solutions,
            # in the sandbox (kit grade --require-sandbox; see src/Kit/README.md).
            name: Autograding Tests
            on:
              push:
              workflow_dispatch:
              repository_dispatch:
            permissions:
              checks: write
              actions: read
              contents: read
            jobs:
              run-autograding-tests:
                runs-on: ubuntu-latest
                if: github.actor != 'github-classroom[bot]'
                steps:
                  - name: Checkout code
                    uses: actions/checkout@v4
                  - name: Set up .NET
                    uses: actions/setup-dotnet@v4
                    with:
                      dotnet-version: 10.0.x
                  - name: Sandbox (used when the runner allows user namespaces)
                    run: sudo apt-get install -y bubblewrap || true
                  - name: Build
                    run: dotnet build src/Kit

            """);
        for (var i = 0; i < exercises.Count; i++)
        {
            text.Append($"""
                      - name: {Path.GetFileNameWithoutExtension(exercises[i])}
                        id: {StepId(i)}
                        run: {KitCommand} grade {exercisesFolder}/{exercises[i]} --solution {References}/{exercises[i]} --classroom-output "$GITHUB_OUTPUT"

                """);
        }
        text.Append("""
                  - name: Autograding Reporter
                    uses: classroom-resources/autograding-grading-reporter@v1
                    env:

            """);
        for (var i = 0; i < exercises.Count; i++)
            text.Append($"          {StepId(i).ToUpperInvariant()}_RESULTS: \"${{{{steps.{StepId(i)}.outputs.result}}}}\"\n");
        text.Append($"""
                    with:
                      runners: {string.Join(',', exercises.Select((_, i) => StepId(i)))}

            """);
        return text.ToString();
    }
}
