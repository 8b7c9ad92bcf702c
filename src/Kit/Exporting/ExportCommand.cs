using System.CommandLine;
using Kit.Notebooks;
using Spectre.Console;

namespace Kit.Exporting;

/// <summary><c>kit export [paths...] [--out dir] [--check]</c>: lessons as .NET 10 file-based apps.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Notebooks or folders (default: notebooks/).", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the .cs files.", DefaultValueFactory = _ => "lessons" };
        var check = new Option<bool>("--check") { Description = "Write nothing; exit 1 and list the files that are out of date." };
        var command = new Command("export", "Write each notebook as a .NET 10 file-based app (dotnet run lesson.cs), runnable without a notebook kernel.")
            { paths, output, check };
        command.SetAction(r => Run(r.GetValue(paths) is { Length: > 0 } p ? p : ["notebooks"], r.GetValue(output)!, r.GetValue(check)));
        return command;
    }

    public static int Run(IReadOnlyList<string> paths, string outputDirectory, bool check)
    {
        var (files, missing) = NotebookFiles.Find(paths);
        foreach (var path in missing) AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {path}: no such file or folder");
        if (missing.Count > 0) return 2;

        var outdated = 0;
        foreach (var file in files)
        {
            var target = Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(file) + ".cs");
            string text;
            try { text = LessonExporter.Export(Notebook.Load(file), Path.GetFullPath(outputDirectory), file.Replace('\\', '/')); }
            catch (Exception e) when (e is NotebookFormatException or ExportException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                return 2;
            }
            if (File.Exists(target) && File.ReadAllText(target) == text) continue;
            outdated++;
            if (check) AnsiConsole.MarkupLineInterpolated($"[red]out of date:[/] {target}");
            else
            {
                Notebook.WriteAtomically(target, text);
                AnsiConsole.MarkupLineInterpolated($"wrote {target}");
            }
        }
        if (check && outdated > 0) AnsiConsole.MarkupLine("run [bold]kit export[/] to update them");
        AnsiConsole.MarkupLineInterpolated($"{files.Count} lessons, {outdated} {(check ? "out of date" : "written")}");
        return check && outdated > 0 ? 1 : 0;
    }
}
