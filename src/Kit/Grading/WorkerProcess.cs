using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Kit.Grading;

/// <summary>The limits a submission runs under.</summary>
/// <remarks>Silence: How long the worker may go without reporting before it is killed
/// (a cell timeout the worker could not enforce itself, a hung start-up).</remarks>
public sealed record WorkerLimits(TimeSpan CellTimeout, long MemoryBytes, long MaxOutputChars, TimeSpan Silence);

/// <summary>How one worker process ended, with the events it reported.</summary>
public sealed record WorkerRun(IReadOnlyList<WorkerEvent> Events, int ExitCode, bool Killed, string StandardError);

/// <summary>
/// Starts <c>kit grade-worker</c> in a child process and watches it: the job goes in on stdin,
/// events come back through a results file only the worker's own code writes, the child's
/// console output is drained and capped, and the whole process tree is killed if it stops
/// reporting. The grader never waits on the child without a deadline.
/// </summary>
public static class WorkerProcess
{
    private const int MaxCapturedChars = 64 * 1024;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public static WorkerRun Run(GradeJob jobWithoutResults, WorkerLimits limits)
    {
        var folder = Directory.CreateTempSubdirectory("kit-grade-");
        try
        {
            var job = jobWithoutResults with { ResultsPath = Path.Combine(folder.FullName, "results.jsonl") };
            File.WriteAllText(job.ResultsPath, "");
            using var process = Start(limits, job.Directory);
            // Drain both pipes in fixed-size chunks (never line by line: a line can be a gigabyte).
            var stderr = new CappedText(MaxCapturedChars);
            var drains = new[]
            {
                Task.Run(() => Drain(process.StandardOutput.BaseStream, new CappedText(0))),
                Task.Run(() => Drain(process.StandardError.BaseStream, stderr)),
            };
            try
            {
                process.StandardInput.WriteLine(JsonSerializer.Serialize(job, WorkerJson.Options));
                process.StandardInput.Close();
            }
            catch (IOException) { /* the child died at once; its exit code tells */ }

            var reader = new ResultsReader(job.ResultsPath);
            var lastNews = Stopwatch.StartNew();
            var killed = false;
            while (!process.WaitForExit(Poll))
            {
                if (reader.ReadNew() > 0) lastNews.Restart();
                if (lastNews.Elapsed > limits.Silence)
                {
                    process.Kill(entireProcessTree: true);
                    killed = true;
                    process.WaitForExit();
                    break;
                }
            }
            Task.WaitAll(drains, TimeSpan.FromSeconds(5)); // a detached grandchild may hold a pipe open
            reader.ReadNew();
            return new WorkerRun(reader.Events, process.ExitCode, killed, stderr.ToString());
        }
        finally
        {
            try { folder.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static Process Start(WorkerLimits limits, string directory)
    {
        var (fileName, prefix) = WorkerCommand();
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in prefix.Append("grade-worker")) info.ArgumentList.Add(arg);
        // The GC's hard limit turns runaway allocation into an OutOfMemoryException in the cell.
        info.Environment["DOTNET_GCHeapHardLimit"] = limits.MemoryBytes.ToString("X");
        info.Environment["DOTNET_gcServer"] = "0";
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the grading worker");
    }

    /// <summary>How to start this same kit: its apphost if there is one, else the dotnet host with kit.dll.</summary>
    private static (string FileName, string[] Prefix) WorkerCommand()
    {
        var dll = typeof(GradeWorker).Assembly.Location;
        var appHost = Path.ChangeExtension(dll, OperatingSystem.IsWindows() ? ".exe" : null);
        if (File.Exists(appHost)) return (appHost, []);
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet"
            ? p
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return (host, ["exec", dll]);
    }

    private static void Drain(Stream stream, CappedText into)
    {
        var buffer = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = stream.Read(buffer)) > 0) into.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>Reads the lines appended to the results file since the last call.</summary>
    private sealed class ResultsReader(string path)
    {
        private long _offset;
        private string _partial = "";
        public List<WorkerEvent> Events { get; } = [];

        public int ReadNew()
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(_offset, SeekOrigin.Begin);
            var text = _partial + new StreamReader(stream, Encoding.UTF8).ReadToEnd();
            _offset = stream.Position;
            var lines = text.Split('\n');
            _partial = lines[^1]; // an unfinished line waits for the next read
            var before = Events.Count;
            foreach (var line in lines[..^1].Where(l => l.Length > 0))
                if (JsonSerializer.Deserialize<WorkerEvent>(line, WorkerJson.Options) is { } e) Events.Add(e);
            return Events.Count - before;
        }
    }

    /// <summary>Keeps the first characters of a child's console output, counting the rest.</summary>
    private sealed class CappedText(int max)
    {
        private readonly StringBuilder _text = new();
        private long _dropped;

        public void Append(string chunk)
        {
            lock (_text)
            {
                var room = Math.Clamp(max - _text.Length, 0, chunk.Length);
                _text.Append(chunk, 0, room);
                _dropped += chunk.Length - room;
            }
        }

        public override string ToString()
        {
            lock (_text) return _dropped == 0 ? _text.ToString() : $"{_text}[{_dropped:N0} more characters dropped]";
        }
    }
}
