using System.CommandLine;
using System.Text.Json;
using Kit.Scripting;

namespace Kit.Grading;

/// <summary>
/// <c>kit grade-worker</c> (hidden): runs one merged submission in this fresh process, which
/// the grader can kill, and reports each cell's outcome into the results file named by the
/// job. It stops at a timed-out cell, whose runaway thread cannot be stopped in-process;
/// the grader restarts it without that cell.
/// </summary>
public static class GradeWorker
{
    public const int TimeoutExitCode = 3;

    public static Command CreateCommand()
    {
        var command = new Command("grade-worker", "Internal: runs one submission for kit grade.") { Hidden = true };
        command.SetAction(_ => Run(Console.In));
        return command;
    }

    public static int Run(TextReader input)
    {
        // Read the job before any student code runs; afterwards the cells see an empty stdin.
        var job = JsonSerializer.Deserialize<GradeJob>(input.ReadLine() ?? "", WorkerJson.Options)
                  ?? throw new InvalidOperationException("grade-worker: no job on standard input");
        Console.SetIn(TextReader.Null);
        using var results = new StreamWriter(new FileStream(job.ResultsPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        var resultsLock = new Lock();
        void Report(WorkerEvent e)
        {
            lock (resultsLock) results.WriteLine(JsonSerializer.Serialize(e, WorkerJson.Options));
        }
        // An exception escaping a thread the student started ends the process; say why first.
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            Report(new WorkerEvent(WorkerEventKind.Unhandled, Message: Describe(e.ExceptionObject)));

        var kernel = new ScriptKernel(job.Directory, job.MaxOutputChars);
        var timeout = TimeSpan.FromSeconds(job.CellTimeoutSeconds);
        for (var i = 0; i < job.Cells.Count; i++)
        {
            if (job.Cells[i].Skip) continue;
            Report(new WorkerEvent(WorkerEventKind.Start, i));
            var result = kernel.Execute(job.Cells[i].Source, timeout);
            Report(new WorkerEvent(WorkerEventKind.End, i, result.Status.ToString(), result.ErrorType, result.ErrorMessage));
            if (result.Status == CellStatus.TimedOut) return TimeoutExitCode;
        }
        Report(new WorkerEvent(WorkerEventKind.Done));
        return 0;
    }

    private static string Describe(object exception) =>
        exception is Exception e ? $"{e.GetType().FullName}: {e.Message}" : exception.ToString() ?? "unknown error";
}
