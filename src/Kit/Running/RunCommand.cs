using System.CommandLine;
using Kit.Notebooks;
using Spectre.Console;

namespace Kit.Running;

/// <summary><c>kit run [paths...]</c>: executes notebooks headless and writes their outputs back.</summary>
public static class RunCommand
{
    public static readonly string[] DefaultPaths = ["notebooks", "solutions"];

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Notebooks or folders (default: notebooks/ and solutions/).", Arity = ArgumentArity.ZeroOrMore };
        var noWrite = new Option<bool>("--no-write") { Description = "Only check: do not write outputs back into the notebooks." };
        var timeout = Cli.TimeoutOption(120);
        var kernel = new Option<string>("--kernel")
        {
            Description = "Which kernel runs the cells: 'kit' (in this process, fast) or 'dotnet-interactive' (the real .NET Interactive kernel, as VS Code starts it).",
            DefaultValueFactory = _ => KitKernel,
        };
        kernel.AcceptOnlyFromAmong(KitKernel, RealKernel);
        var kernelPath = new Option<string?>("--kernel-path") { Description = "The dotnet-interactive executable (default: .tools/dotnet-interactive above the current folder, else PATH)." };
        var command = new Command("run", "Run notebooks' C# cells in order, as the .NET Interactive kernel does.") { paths, noWrite, timeout, kernel, kernelPath };
        command.SetAction(r =>
        {
            string? realKernel = null;
            if (r.GetValue(kernel) == RealKernel)
            {
                try { realKernel = InteractiveKernel.Locate(r.GetValue(kernelPath), Environment.CurrentDirectory); }
                catch (Scripting.KernelException e)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                    return 2;
                }
            }
            return Run(r.GetValue(paths) ?? [], !r.GetValue(noWrite), TimeSpan.FromSeconds(r.GetValue(timeout)), realKernel);
        });
        return command;
    }

    public const string KitKernel = "kit";
    public const string RealKernel = "dotnet-interactive";

    /// <summary>Runs the notebooks; <paramref name="realKernel"/> is the dotnet-interactive executable to run the cells in, or null for the kit's own kernel.</summary>
    public static int Run(IReadOnlyList<string> paths, bool write, TimeSpan timeout, string? realKernel = null)
    {
        var explicitPaths = paths.Count > 0;
        var (files, missing) = NotebookFiles.Find(explicitPaths ? paths : DefaultPaths);
        foreach (var path in missing)
        {
            if (explicitPaths) AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {path}: no such file or folder");
            else AnsiConsole.MarkupLineInterpolated($"[grey]notice: {path}/ does not exist; nothing to run there[/]");
        }
        if (explicitPaths && missing.Count > 0) return 2;
        if (files.Count == 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]notice: no notebooks found in {string.Join(", ", explicitPaths ? paths : DefaultPaths)}[/]");
            return 0;
        }

        var runner = realKernel is null
            ? new NotebookRunner(timeout)
            : new NotebookRunner(timeout, directory => new InteractiveKernel(directory, realKernel));
        var reports = new List<NotebookReport>();
        var unreadable = new List<string>();
        foreach (var file in files)
        {
            Notebook notebook;
            try { notebook = Notebook.Load(file); }
            catch (NotebookFormatException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message} (file left unchanged)");
                unreadable.Add(file);
                continue;
            }
            AnsiConsole.MarkupLineInterpolated($"[bold]{file}[/]");
            var codeCells = notebook.Cells.Count(c => c.IsCode);
            NotebookReport report;
            try { report = runner.Run(notebook, cell => PrintCell(cell, codeCells)); }
            catch (Scripting.KernelException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                return 2;
            }
            reports.Add(report);
            if (write) notebook.Save();
        }
        PrintSummary(reports, unreadable);
        return unreadable.Count > 0 ? 2 : reports.Any(r => r.Failures > 0) ? 1 : 0;
    }

    private static void PrintCell(CellReport cell, int total)
    {
        var (mark, colour) = cell.Outcome switch
        {
            CellOutcome.Passed => ("ok", "green"),
            CellOutcome.ExpectedFailure => ("raised, as tagged", "green"),
            CellOutcome.Skipped => ("skipped", "grey"),
            CellOutcome.NotRun => ("not run", "grey"),
            CellOutcome.TimedOut => ("TIMED OUT", "red"),
            _ => ("FAILED", "red"),
        };
        var detail = cell.Message is null ? "" : $" {cell.Message.Split('\n')[0]}";
        AnsiConsole.MarkupLineInterpolated($"  cell {cell.Number}/{total} [{colour}]{mark}[/] {cell.Duration.TotalMilliseconds:0} ms[grey]{detail}[/]");
    }

    private static void PrintSummary(IReadOnlyList<NotebookReport> reports, IReadOnlyList<string> unreadable)
    {
        var table = new Table().AddColumns("Notebook", "Cells", "Failed", "Skipped", "Time");
        foreach (var r in reports)
        {
            var failed = r.Failures == 0 ? "0" : $"[red]{r.Failures}[/]";
            table.AddRow(Markup.Escape(r.Path), r.Cells.Count.ToString(), failed,
                r.Cells.Count(c => c.Outcome is CellOutcome.Skipped or CellOutcome.NotRun).ToString(), $"{r.Duration.TotalSeconds:0.0} s");
        }
        foreach (var path in unreadable) table.AddRow(Markup.Escape(path), "-", "[red]unreadable[/]", "-", "-");
        AnsiConsole.Write(table);
    }
}
