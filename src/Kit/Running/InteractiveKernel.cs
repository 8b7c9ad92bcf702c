using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kit.Notebooks;
using Kit.Scripting;

namespace Kit.Running;

/// <summary>
/// Drives the real .NET Interactive kernel (<c>dotnet-interactive stdio</c>, the process VS Code's
/// Polyglot Notebooks starts) over its JSON-lines protocol: one <c>SubmitCode</c> command per cell,
/// then every event up to the command's <c>CommandSucceeded</c> or <c>CommandFailed</c>, turned into
/// nbformat outputs. The process starts in the notebook's folder with the environment VS Code gives it:
/// the variables that tune the .NET runtime are removed from ours, and the workspace's
/// <see cref="KernelEnvironment"/> (the course's <c>.vscode/settings.json</c>) is added.
/// </summary>
public sealed class InteractiveKernel : ICellKernel
{
    public const string ToolPackage = "Microsoft.dotnet-interactive";
    public const string ToolVersion = "1.0.712001";

    private readonly Process _process;
    private readonly long _maxOutputChars;
    private readonly BlockingReader _events;
    private int _executionCount;
    private bool _dead;

    // Starting the kernel (a .NET app that loads Roslyn and F#) takes seconds, minutes on a loaded
    // machine; it must not count against the first cell's time limit.
    private static readonly TimeSpan StartupLimit = TimeSpan.FromMinutes(3);

    public InteractiveKernel(string directory, string executable, long maxOutputChars = 1_000_000)
    {
        _maxOutputChars = maxOutputChars;
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.GetFullPath(directory),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("stdio");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_gc", StringComparison.OrdinalIgnoreCase)
                                                               || k.StartsWith("DOTNET_TC_", StringComparison.OrdinalIgnoreCase)
                                                               || k.StartsWith("DOTNET_TieredCompilation", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in KernelEnvironment.For(directory)) start.Environment[name] = value;
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        try { _process = Process.Start(start) ?? throw new KernelException($"could not start {executable}"); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new KernelException($"could not start the .NET Interactive kernel '{executable}': {e.Message}. " +
                                      $"Install it with: dotnet tool install --tool-path .tools {ToolPackage} --version {ToolVersion}");
        }
        _process.ErrorDataReceived += (_, _) => { }; // the kernel logs to stderr; nothing a cell shows
        _process.BeginErrorReadLine();
        _events = new BlockingReader(_process.StandardOutput);
        WaitUntilReady();
    }

    private void WaitUntilReady()
    {
        var deadline = DateTime.UtcNow + StartupLimit;
        while (true)
        {
            var line = _events.ReadLine(deadline - DateTime.UtcNow);
            if (line is null || line is BlockingReader.TimedOut)
            {
                Stop();
                throw new KernelException(line is null
                    ? $"the .NET Interactive kernel exited on start (code {ExitCode()})"
                    : $"the .NET Interactive kernel did not start within {StartupLimit.TotalMinutes:0} minutes");
            }
            if (line.Contains("\"eventType\":\"KernelReady\"", StringComparison.Ordinal)) return;
        }
    }

    /// <summary>
    /// The kernel executable: <paramref name="explicitPath"/>, else <c>.tools/dotnet-interactive</c> in
    /// the repository that holds <paramref name="from"/> (where CI and the dev container put it),
    /// installed there first if it is missing, else (outside a repository) the one on PATH.
    /// </summary>
    public static string Locate(string? explicitPath, string from)
    {
        if (!string.IsNullOrEmpty(explicitPath)) return explicitPath;
        var root = new DirectoryInfo(Path.GetFullPath(from));
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Teaching.sln"))) root = root.Parent;
        if (root is null) return "dotnet-interactive";
        var tools = Path.Combine(root.FullName, ".tools");
        var executable = Path.Combine(tools, OperatingSystem.IsWindows() ? "dotnet-interactive.exe" : "dotnet-interactive");
        if (!File.Exists(executable)) Install(tools);
        return executable;
    }

    private static void Install(string tools)
    {
        Console.Error.WriteLine($"kit: installing {ToolPackage} {ToolVersion} into {tools} (once)");
        var install = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "tool", "install", "--tool-path", tools, ToolPackage, "--version", ToolVersion }) install.ArgumentList.Add(arg);
        using var process = Process.Start(install) ?? throw new KernelException("could not run dotnet tool install");
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new KernelException($"could not install {ToolPackage} {ToolVersion} into {tools}: {errors.Result.Trim()}");
    }

    public CellResult Execute(string source, TimeSpan timeout)
    {
        var count = ++_executionCount;
        var outputs = new CellOutputs(_maxOutputChars);
        var clock = Stopwatch.StartNew();
        if (_dead) return Fail(count, outputs, clock, "KernelError", "the kernel was stopped by an earlier timeout or crash");

        var token = $"kit-{count}";
        var command = new JsonObject
        {
            ["token"] = token,
            ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject { ["code"] = source, ["targetKernelName"] = "csharp" },
        };
        _process.StandardInput.WriteLine(command.ToJsonString());
        _process.StandardInput.Flush();

        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var line = _events.ReadLine(deadline - DateTime.UtcNow);
            if (line is BlockingReader.TimedOut)
            {
                Stop();
                outputs.Add(Outputs.Error("TimeoutException", $"The cell did not finish within {timeout.TotalSeconds:0.#} s.", []));
                return new CellResult(CellStatus.TimedOut, count, outputs.ToJson(), clock.Elapsed, "Timeout", $"timed out after {timeout.TotalSeconds:0.#} s");
            }
            if (line is null)
            {
                _dead = true;
                return Fail(count, outputs, clock, "KernelError", $"the kernel process exited (code {ExitCode()})");
            }
            JsonObject message;
            try { message = JsonNode.Parse(line)?.AsObject() ?? throw new JsonException("null"); }
            catch (JsonException) { continue; } // the kernel's banner and log lines are not events
            var type = (string?)message["eventType"];
            var payload = message["event"] as JsonObject;
            var isOurs = (string?)message["command"]?["token"] == token;
            switch (type)
            {
                case "StandardOutputValueProduced": outputs.WriteStream("stdout", PlainValue(payload)); break;
                case "StandardErrorValueProduced": outputs.WriteStream("stderr", PlainValue(payload)); break;
                case "DisplayedValueProduced": outputs.Add(Outputs.DisplayData(MimeBundle(payload))); break;
                case "ReturnValueProduced": outputs.Add(Outputs.ExecuteResult(MimeBundle(payload), count)); break;
                case "CommandFailed" when isOurs:
                    var (errorType, errorMessage) = Error((string?)payload?["message"] ?? "the command failed");
                    return Fail(count, outputs, clock, errorType, errorMessage);
                case "CommandSucceeded" when isOurs:
                    return new CellResult(CellStatus.Ok, count, outputs.ToJson(), clock.Elapsed);
            }
        }
    }

    public void Dispose()
    {
        if (!_dead)
        {
            try { _process.StandardInput.Close(); } catch (IOException) { }
            if (!_process.WaitForExit(5000)) Stop();
        }
        _process.Dispose();
    }

    private void Stop()
    {
        _dead = true;
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(5000);
    }

    private string ExitCode() => _process.WaitForExit(2000) ? _process.ExitCode.ToString() : "unknown";

    private static CellResult Fail(int count, CellOutputs outputs, Stopwatch clock, string type, string message)
    {
        outputs.Add(Outputs.Error(type, message, []));
        return new CellResult(CellStatus.Failed, count, outputs.ToJson(), clock.Elapsed, type, message);
    }

    // The kernel reports compile errors with the diagnostic in the message, exceptions as "Type: message".
    private static (string Type, string Message) Error(string message)
    {
        if (message.Contains("): error CS", StringComparison.Ordinal)) return ("CompilationError", message);
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        var head = colon > 0 ? message[..colon] : "";
        return head.Length > 0 && !head.Contains(' ') && head.Contains('.') ? (head, message[(colon + 2)..]) : ("Error", message);
    }

    private static string PlainValue(JsonObject? payload) =>
        payload?["formattedValues"] is JsonArray values
            ? string.Concat(values.Select(v => (string?)v?["value"] ?? ""))
            : "";

    private static Dictionary<string, string> MimeBundle(JsonObject? payload)
    {
        var bundle = new Dictionary<string, string>();
        if (payload?["formattedValues"] is not JsonArray values) return bundle;
        foreach (var value in values.OfType<JsonObject>())
            if ((string?)value["mimeType"] is { } mime) bundle[mime] = (string?)value["value"] ?? "";
        return bundle;
    }

    /// <summary>Reads lines on a background thread so that a read can give up at a deadline.</summary>
    private sealed class BlockingReader
    {
        public const string TimedOut = "\0timeout";
        private readonly System.Collections.Concurrent.BlockingCollection<string?> _lines = new(boundedCapacity: 10_000);

        public BlockingReader(StreamReader reader)
        {
            var thread = new Thread(() =>
            {
                try { for (string? line; (line = reader.ReadLine()) is not null;) _lines.Add(line); }
                catch (IOException) { }
                finally { _lines.Add(null); }
            }) { IsBackground = true, Name = "dotnet-interactive events" };
            thread.Start();
        }

        public string? ReadLine(TimeSpan wait) =>
            _lines.TryTake(out var line, wait > TimeSpan.Zero ? wait : TimeSpan.Zero) ? line : TimedOut;
    }
}
