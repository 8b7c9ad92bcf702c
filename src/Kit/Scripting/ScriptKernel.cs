using System.Diagnostics;
using System.Text.Json.Nodes;
using Kit.Notebooks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Kit.Scripting;

/// <summary>
/// A headless stand-in for the .NET Interactive C# kernel: runs cells one after another with
/// Roslyn scripting, so variables and types of earlier cells stay visible in later ones.
/// One kernel serves one notebook; the working directory is the notebook's folder while a
/// cell runs (notebooks use relative paths, as in the real kernel).
/// </summary>
public sealed class ScriptKernel : ICellKernel
{
    public static readonly string[] DefaultUsings =
        ["System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq"];

    // Deep recursion is common in AD code; give cells more stack than a thread-pool thread has.
    private const int CellStackBytes = 16 * 1024 * 1024;

    private readonly string _directory;
    private readonly DisplayFormatter _formatter = new();
    private ScriptOptions _options;
    private ScriptState<object> _state;
    private int _executionCount;
    private bool _abandoned;

    public ScriptKernel(string directory, long maxOutputChars = 1_000_000)
    {
        _directory = Path.GetFullPath(directory);
        MaxOutputChars = maxOutputChars;
        _options = ScriptOptions.Default
            .WithReferences(FrameworkReferences().Append(MetadataReference.CreateFromFile(typeof(ScriptGlobals).Assembly.Location)))
            .WithImports(DefaultUsings.Append(typeof(Api.DisplayExtensions).Namespace!))
            .WithMetadataResolver(new ReferenceResolver(_directory))
            .WithSourceResolver(new SourceFileResolver([], _directory))
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithAllowUnsafe(true);
        ConsoleRouter.Install();
        Course.PlotlyHost.StartDocument(); // a new notebook: its first chart carries plotly.js again
        // Start the script state now: the first compilation loads and JITs Roslyn (seconds on a
        // busy machine), which must not count against the first cell's time limit.
        _state = CSharpScript.Create("", _options, typeof(ScriptGlobals)).RunAsync(new ScriptGlobals()).GetAwaiter().GetResult();
    }

    public long MaxOutputChars { get; }

    /// <summary>Nothing to release: the cells ran in this process.</summary>
    public void Dispose() { }

    /// <summary>Runs one cell. After a timeout the runaway cell cannot be stopped inside this
    /// process, so the kernel refuses further cells (callers stop the notebook there).</summary>
    public CellResult Execute(string source, TimeSpan timeout)
    {
        var count = ++_executionCount;
        var outputs = new CellOutputs(MaxOutputChars);
        var clock = Stopwatch.StartNew();
        if (_abandoned) return Failed(count, outputs, clock, new KernelException("the kernel was stopped by an earlier timeout"));

        CellDirectives directives;
        try
        {
            directives = CellDirectives.Parse(source);
            foreach (var (name, version) in directives.Packages) UsePackage(name, version, outputs);
        }
        catch (KernelException e) { return Failed(count, outputs, clock, e); }
        if (string.IsNullOrWhiteSpace(directives.Code)) return new CellResult(CellStatus.Ok, count, outputs.ToJson(), clock.Elapsed);

        Exception? error = null;
        object? returnValue = null;
        var hasReturnValue = false;
        DisplayTarget.Into(outputs, _formatter);
        using (ConsoleRouter.Capture(outputs))
        {
            // Not restored afterwards: the folder a cell started in may be gone by then.
            Environment.CurrentDirectory = _directory;
            var thread = new Thread(() =>
            {
                try { (hasReturnValue, returnValue) = Run(directives.Code); }
                catch (Exception e) { error = e; }
            }, CellStackBytes) { IsBackground = true, Name = "kit cell" };
            thread.Start();
            var finished = thread.Join(timeout);
            if (!finished)
            {
                _abandoned = true;
                outputs.Add(Outputs.Error("TimeoutException", $"The cell did not finish within {timeout.TotalSeconds:0.#} s.", []));
                return new CellResult(CellStatus.TimedOut, count, outputs.ToJson(), clock.Elapsed, "Timeout", $"timed out after {timeout.TotalSeconds:0.#} s");
            }
            try
            {
                if (error is null && hasReturnValue) outputs.Add(Outputs.ExecuteResult(_formatter.Format(returnValue), count));
            }
            catch (Exception e) { error = e; }
        }
        if (error is not null) return Failed(count, outputs, clock, error);
        if (directives.Time)
            outputs.Add(Outputs.DisplayData(new Dictionary<string, string> { [DisplayFormatter.Plain] = $"Wall time: {clock.Elapsed.TotalMilliseconds:0.####}ms" }));
        return new CellResult(CellStatus.Ok, count, outputs.ToJson(), clock.Elapsed);
    }

    // Compiles and runs one submission on top of the previous state.
    private (bool HasValue, object? Value) Run(string code)
    {
        var script = _state.Script.ContinueWith(code, _options);
        var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0) throw new CompilationErrorException(string.Join("\n", errors), [.. errors]);
        var state = script.RunFromAsync(_state, catchException: _ => true).GetAwaiter().GetResult();
        // Keep the state even when the cell threw: what it defined before the throw stays, as in the kernel.
        _state = state;
        if (state.Exception is not null) throw new CellException(state.Exception);
        var value = state.ReturnValue;
        return (value is not null && value is not DisplayedValue, value);
    }

    private void UsePackage(string name, string? version, CellOutputs outputs)
    {
        var package = PackageCatalog.Resolve(name);
        _options = _options.AddReferences(package.Assemblies);
        var shown = version ?? package.CarriedVersion;
        outputs.Add(Outputs.DisplayData(new Dictionary<string, string>
        {
            [DisplayFormatter.Html] = $"<div><div><strong>Installed Packages</strong><ul><li><span>{package.Name}, {shown}</span></li></ul></div></div>",
            [DisplayFormatter.Plain] = $"Installed Packages\n  - {package.Name}, {shown}",
        }));
    }

    private static CellResult Failed(int count, CellOutputs outputs, Stopwatch clock, Exception error)
    {
        var (type, message, traceback) = Describe(error);
        outputs.Add(Outputs.Error(type == "CompilationError" ? "Error" : type, message, traceback));
        return new CellResult(CellStatus.Failed, count, outputs.ToJson(), clock.Elapsed, type, message);
    }

    private static (string Type, string Message, IEnumerable<string> Traceback) Describe(Exception error) => error switch
    {
        CompilationErrorException c => ("CompilationError", c.Message, []),
        KernelException k => ("KernelError", k.Message, []),
        CellException { InnerException: { } e } => (e.GetType().FullName!, e.Message, Traceback(e)),
        _ => (error.GetType().FullName!, error.Message, Traceback(error)),
    };

    // The exception's own frames; the scripting engine's frames below them only add noise.
    private static IEnumerable<string> Traceback(Exception e) =>
        e.ToString().Split('\n').Select(l => l.TrimEnd('\r'))
            .TakeWhile(l => !l.StartsWith("--- End of stack trace", StringComparison.Ordinal) && !l.Contains("Microsoft.CodeAnalysis.Scripting"));

    internal static IEnumerable<MetadataReference> FrameworkReferences()
    {
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        // The whole shared framework, as the real kernel references it (Microsoft.CSharp gives `dynamic`).
        return paths.Where(p => Path.GetDirectoryName(p) == framework && p.EndsWith(".dll", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p));
    }

    /// <summary>Wraps an exception thrown by cell code, to tell it apart from the kernel's own.</summary>
    private sealed class CellException(Exception inner) : Exception(inner.Message, inner);
}
