using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kit.Grading;

/// <summary>The limits a submission runs under.</summary>
/// <remarks>CellTimeout: CPU time per cell. Silence: how long the worker may go without reporting before it is
/// killed (a cell that waits, a stopped or hung worker); it must exceed a cell's wall-clock limit.</remarks>
public sealed record WorkerLimits(TimeSpan CellTimeout, long MemoryBytes, long MaxOutputChars, TimeSpan Silence)
{
    public static WorkerLimits For(TimeSpan cellTimeout, long memoryBytes, long maxOutputChars = 100_000) =>
        new(cellTimeout, memoryBytes, maxOutputChars, GradeWorker.WallLimit(cellTimeout) + TimeSpan.FromSeconds(30));
}

/// <summary>How one worker process ended, with the events it reported.</summary>
public sealed record WorkerRun(IReadOnlyList<WorkerEvent> Events, int ExitCode, bool Killed, string StandardError);

/// <summary>
/// Starts <c>kit grade-worker</c> in a child process (in the sandbox when asked) and watches it: the job
/// goes in on stdin, events come back on its stdout as lines carrying the run's secret nonce (anything
/// else there is dropped, whatever its size or bytes), stderr is drained and capped, and the whole
/// process tree is killed if it stops reporting. The grader never waits on the child without a deadline.
/// </summary>
public static class WorkerProcess
{
    private const int MaxCapturedChars = 64 * 1024;
    private const int MaxEventChars = 256 * 1024;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Before its first event the worker loads Roslyn; on a loaded machine that takes a while.</summary>
    private static readonly TimeSpan StartupGrace = TimeSpan.FromMinutes(3);

    public static WorkerRun Run(GradeJob jobWithoutNonce, WorkerLimits limits, WorkerSandbox? sandbox)
    {
        var job = jobWithoutNonce with { Nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) };
        var home = Directory.CreateTempSubdirectory("kit-grade-");
        var (info, cgroup) = StartInfo(limits, job.Directory, home.FullName, sandbox);
        try
        {
            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the grading worker");
            var events = new EventReader(job.Nonce);
            var stderr = new CappedText(MaxCapturedChars);
            var drains = new[]
            {
                Task.Run(() => Drain(process.StandardOutput.BaseStream, events.Append)),
                Task.Run(() => Drain(process.StandardError.BaseStream, stderr.Append)),
            };
            try
            {
                process.StandardInput.WriteLine(JsonSerializer.Serialize(job, WorkerJson.Options));
                process.StandardInput.Close();
            }
            catch (IOException) { /* the child died at once; its exit code tells */ }

            var lastNews = Stopwatch.StartNew();
            var seen = 0;
            var killed = false;
            while (!process.WaitForExit(Poll))
            {
                var count = events.Count;
                if (count > seen) { seen = count; lastNews.Restart(); }
                if (lastNews.Elapsed > (seen == 0 ? StartupGrace : limits.Silence))
                {
                    killed = true;
                    break;
                }
                if (events.Finished) break; // Done: what the worker does afterwards no longer matters
            }
            // The tree goes in every case: nothing a submission started outlives its grading.
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit(TimeSpan.FromSeconds(10));
            Task.WaitAll(drains, TimeSpan.FromSeconds(5)); // a detached grandchild may hold a pipe open
            var exitCode = process.HasExited ? process.ExitCode : -1;
            return new WorkerRun(events.Snapshot(), exitCode, killed, stderr.ToString());
        }
        finally
        {
            Sandbox.Release(cgroup);
            try { home.Delete(recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static (ProcessStartInfo, string? Cgroup) StartInfo(WorkerLimits limits, string directory, string home, WorkerSandbox? sandbox)
    {
        var (host, dll) = WorkerCommand();
        var program = new List<string> { host, "exec", dll, "grade-worker" };
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = sandbox is null ? home : "/tmp",
            ["TMPDIR"] = sandbox is null ? home : "/tmp",
            ["DOTNET_ROOT"] = Path.GetDirectoryName(host)!,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            // The GC's hard limit turns runaway allocation into an OutOfMemoryException in the cell.
            ["DOTNET_GCHeapHardLimit"] = limits.MemoryBytes.ToString("X"),
            ["DOTNET_gcServer"] = "0",
            // A worker lives for one submission: most of its CPU time is JIT-compiling Roslyn. Quick JIT for
            // methods with loops (on-stack replacement still optimises hot ones) and no PGO instrumentation
            // cut it by about a quarter (exercise 02: 11 -> 8 CPU-s per submission, measured on 3 submissions).
            ["DOTNET_TC_QuickJitForLoops"] = "1",
            ["DOTNET_TieredPGO"] = "0",
        };
        ProcessStartInfo info;
        string? cgroup = null;
        if (sandbox is null)
        {
            info = new ProcessStartInfo(host) { WorkingDirectory = directory };
            foreach (var a in program.Skip(1)) info.ArgumentList.Add(a);
            info.Environment.Clear(); // no secrets of the grader's environment reach a submission
            foreach (var (name, value) in environment) info.Environment[name] = value;
        }
        else
        {
            var limit = Sandbox.TaskLimitHere;
            List<string> folders = [Path.GetDirectoryName(host)!, Path.GetDirectoryName(dll)!, .. sandbox.Folders];
            if (OperatingSystem.IsLinux() && Sandbox.RunsUnprivileged(limit) && Sandbox.UnreadableByOthers([.. folders, .. sandbox.Files]) is { } hidden)
                throw new GraderException($"the sandbox runs as uid {Sandbox.UnprivilegedId} (its task limit is RLIMIT_NPROC, which root ignores) and cannot read {hidden}: "
                                          + "make it readable (chmod o+rX), or grade where a pids cgroup is writable");
            var args = Sandbox.Wrap(program, directory, sandbox.Files, folders, environment, limit);
            (info, cgroup) = Sandbox.StartInfo(args, limit);
        }
        info.RedirectStandardInput = info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return (info, cgroup);
    }

    /// <summary>The dotnet host and kit.dll of this same kit.</summary>
    private static (string Host, string Dll) WorkerCommand()
    {
        var dll = typeof(GradeWorker).Assembly.Location;
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet"
            ? p
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? OnPath("dotnet");
        return (new FileInfo(host).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(host), dll);
    }

    private static string OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists) ?? program;

    private static void Drain(Stream stream, Action<byte[], int> into)
    {
        var buffer = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = stream.Read(buffer)) > 0) into(buffer, read);
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Splits the worker's stdout into lines and keeps the events: lines that start with the nonce and
    /// parse. Over-long lines, other text and garbage are dropped. Nothing after Done is read.
    /// </summary>
    private sealed class EventReader(string nonce)
    {
        private readonly List<WorkerEvent> _events = [];
        private readonly List<byte> _line = [];
        private readonly byte[] _prefix = Encoding.ASCII.GetBytes(nonce + " ");
        private bool _overlong;

        public int Count { get { lock (_events) return _events.Count; } }
        public bool Finished { get { lock (_events) return _events.Count > 0 && _events[^1].Event == WorkerEventKind.Done; } }

        public IReadOnlyList<WorkerEvent> Snapshot() { lock (_events) return [.. _events]; }

        public void Append(byte[] buffer, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var b = buffer[i];
                if (b == (byte)'\n') { Complete(); continue; }
                if (_line.Count >= MaxEventChars) { _overlong = true; continue; }
                _line.Add(b);
            }
        }

        private void Complete()
        {
            var line = _line.ToArray();
            var overlong = _overlong;
            _line.Clear();
            _overlong = false;
            if (overlong || Finished || line.Length < _prefix.Length || !line.AsSpan(0, _prefix.Length).SequenceEqual(_prefix)) return;
            try
            {
                if (JsonSerializer.Deserialize<WorkerEvent>(line.AsSpan(_prefix.Length), WorkerJson.Options) is { } e)
                    lock (_events) _events.Add(e);
            }
            catch (JsonException) { }
        }
    }

    /// <summary>Keeps the first characters of a child's console output, counting the rest.</summary>
    private sealed class CappedText(int max)
    {
        private readonly StringBuilder _text = new();
        private long _dropped;

        public void Append(byte[] buffer, int count)
        {
            var chunk = Encoding.UTF8.GetString(buffer, 0, count);
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

/// <summary>What a sandboxed worker may read besides the runtime and the kit: single files and folders.</summary>
public sealed record WorkerSandbox(IReadOnlyList<string> Files, IReadOnlyList<string> Folders);
