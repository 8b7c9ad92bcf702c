using System.CommandLine;
using Kit.Generating;
using Kit.Grading;
using Kit.Running;

namespace Kit;

/// <summary>The <c>kit</c> command line. Exit codes: 0 success, 1 failures found, 2 could not do the job.</summary>
public static class Cli
{
    public static int Main(string[] args)
    {
        // In CI logs (no terminal) keep messages on one line instead of wrapping at 80 columns.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 250;
        var root = new RootCommand("Teaching kit: run notebooks headless, generate exercises, grade submissions, trace, benchmark.")
        {
            RunCommand.Create(),
            GenerateCommand.Create(),
            GradeCommand.Create(),
            GradeWorker.CreateCommand(),
            GradeMergeCommand.Create(),
            Grading.Classroom.ClassroomCommand.Create(),
            Tracing.TraceCommand.Create(),
            Benchmarks.BenchCommand.Create(),
            Exporting.ExportCommand.Create(),
            Figures.FiguresCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }

    public static Option<double> TimeoutOption(double seconds) => new("--timeout")
    {
        Description = "Per-cell time limit in seconds.",
        DefaultValueFactory = _ => seconds,
    };
}
