using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Kit.Scripting;

namespace Kit.Grading;

/// <summary>
/// <c>kit grade-worker</c> (hidden): runs one merged submission in this fresh process, which the grader
/// can kill, and reports each cell's outcome as nonce-prefixed lines on the standard output it holds
/// from before any cell ran. A cell's limit is CPU time (so a busy machine does not fail a slow but
/// honest cell), with a wall-clock limit for cells that wait. It stops at a timed-out cell, whose runaway
/// thread cannot be stopped in-process; the grader restarts it without that cell.
/// </summary>
public static class GradeWorker
{
    public const int TimeoutExitCode = 3;

    public static Command CreateCommand()
    {
        var command = new Command("grade-worker", "Internal: runs one submission for kit grade.") { Hidden = true };
        command.SetAction(_ => Run(Console.In, Console.OpenStandardOutput()));
        return command;
    }

    /// <summary>The wall-clock limit of a cell whose CPU-time limit is <paramref name="cpu"/>.</summary>
    public static TimeSpan WallLimit(TimeSpan cpu) => cpu * 3 + TimeSpan.FromSeconds(60);

    public static int Run(TextReader input, Stream output)
    {
        // Read the job before any student code runs; afterwards the cells see an empty stdin.
        var job = JsonSerializer.Deserialize<GradeJob>(input.ReadLine() ?? "", WorkerJson.Options)
                  ?? throw new InvalidOperationException("grade-worker: no job on standard input");
        Console.SetIn(TextReader.Null);
        var channel = new StreamWriter(output) { AutoFlush = true };
        var channelLock = new Lock();
        var nonce = job.Nonce;
        void Report(WorkerEvent e)
        {
            var line = nonce + " " + JsonSerializer.Serialize(e, WorkerJson.Options);
            lock (channelLock) channel.WriteLine(line);
        }
        // An exception escaping a thread a cell started ends the process; say why first.
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            Report(new WorkerEvent(WorkerEventKind.Unhandled, Message: Describe(e.ExceptionObject)));

        var kernel = new ScriptKernel(job.Directory, job.MaxOutputChars);
        var cpuLimit = TimeSpan.FromSeconds(job.CellTimeoutSeconds);
        Report(new WorkerEvent(WorkerEventKind.Ready));
        for (var i = 0; i < job.Cells.Count; i++)
        {
            var cell = job.Cells[i];
            if (cell.Skip) continue;
            Report(new WorkerEvent(WorkerEventKind.Start, i));
            var result = Execute(kernel, cell.Visible ?? cell.Source, cpuLimit);
            var hidden = false;
            if (cell.Visible is not null && result.Status == CellStatus.Ok)
            {
                Report(new WorkerEvent(WorkerEventKind.Start, i, Hidden: true));
                result = Execute(kernel, cell.Source, cpuLimit);
                hidden = true;
            }
            Report(new WorkerEvent(WorkerEventKind.End, i, result.Status.ToString(), result.ErrorType, result.ErrorMessage, hidden && result.Status != CellStatus.Ok));
            if (result.Status == CellStatus.TimedOut) return TimeoutExitCode;
        }
        Report(new WorkerEvent(WorkerEventKind.Done));
        return 0;
    }

    /// <summary>Runs a cell, stopping it when the process has spent <paramref name="cpuLimit"/> of CPU time on it.</summary>
    private static CellResult Execute(ScriptKernel kernel, string source, TimeSpan cpuLimit)
    {
        var process = Process.GetCurrentProcess();
        var cpuAtStart = process.TotalProcessorTime;
        CellResult? result = null;
        var runner = new Thread(() => result = kernel.Execute(source, WallLimit(cpuLimit))) { IsBackground = true, Name = "kit cell runner" };
        runner.Start();
        while (!runner.Join(TimeSpan.FromMilliseconds(100)))
        {
            process.Refresh();
            if (process.TotalProcessorTime - cpuAtStart > cpuLimit)
                return new CellResult(CellStatus.TimedOut, 0, [], TimeSpan.Zero, "Timeout", $"timed out after {cpuLimit.TotalSeconds:0.#} s of CPU time");
        }
        return result!;
    }

    private static string Describe(object exception) =>
        exception is Exception e ? $"{e.GetType().FullName}: {e.Message}" : exception.ToString() ?? "unknown error";
}
