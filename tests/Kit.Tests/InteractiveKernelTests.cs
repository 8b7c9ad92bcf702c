using Kit.Running;
using Kit.Scripting;
using Kit.Tests.Support;

namespace Kit.Tests;

/// <summary>
/// <see cref="InteractiveKernel"/> against the real .NET Interactive kernel (the dotnet-interactive
/// tool, installed into .tools/ by CI, the dev container, or on first use).
/// </summary>
[Collection(RepositoryBuilds.Name)]
public sealed class InteractiveKernelTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private InteractiveKernel Start() => new(_folder.Path, InteractiveKernel.Locate(null, Repository.Root));

    private static readonly TimeSpan Minutes = TimeSpan.FromMinutes(3);

    [Fact]
    public void Cells_share_state_and_their_outputs_come_back_as_the_kernel_produced_them()
    {
        _folder.Write("data.txt", "from the notebook folder");
        using var kernel = Start();
        var first = kernel.Execute("var x = 41;\nConsole.WriteLine(\"hi\");\nSystem.IO.File.ReadAllText(\"data.txt\")", Minutes);
        Assert.Equal(CellStatus.Ok, first.Status);
        Assert.Equal("hi\n", Nb.Text(first.Outputs[0]).Replace("\r\n", "\n"));
        Assert.Contains("from the notebook folder", Nb.Text(first.Outputs[1], "text/plain") + Nb.Text(first.Outputs[1], "text/html"));

        var second = kernel.Execute("x + 1", Minutes);
        var result = Assert.Single(second.Outputs);
        Assert.Equal("execute_result", (string?)result["output_type"]);
        Assert.Contains("42", Nb.Text(result, "text/html"));

        var failed = kernel.Execute("throw new InvalidOperationException(\"on purpose\");", Minutes);
        Assert.Equal(CellStatus.Failed, failed.Status);
        Assert.Equal("System.InvalidOperationException", failed.ErrorType);
        Assert.Contains("on purpose", failed.ErrorMessage);

        var compile = kernel.Execute("int y = \"not a number\";", Minutes);
        Assert.Equal(CellStatus.Failed, compile.Status);
        Assert.Equal("CompilationError", compile.ErrorType);

        // The kernel formats a string shown as SVG with an error; kit's own kernel must agree (KernelTests).
        var svg = kernel.Execute("display(\"<svg/>\", \"image/svg+xml\");", Minutes);
        Assert.Equal(CellStatus.Failed, svg.Status);
        Assert.Contains("No formatter is registered for MIME type image/svg+xml", svg.ErrorMessage);
    }

    [Fact]
    public void Course_charts_and_trace_graphs_display_with_static_images_in_the_real_kernel()
    {
        var bin = Repository.Combine("artifacts/bin");
        using var kernel = Start();
        var load = kernel.Execute($"#r \"{bin}/Adjoint/debug/Adjoint.dll\"\n#r \"{bin}/Course/debug/Course.dll\"", Minutes);
        Assert.True(load.Status == CellStatus.Ok, load.ErrorMessage);

        var chart = kernel.Execute("Course.Charts.LogLog(new (string, IReadOnlyList<double>, IReadOnlyList<double>)[] { (\"rev\", new[] { 10.0, 100.0 }, new[] { 1.0, 2.0 }) }, \"scaling\")", Minutes);
        Assert.True(chart.Status == CellStatus.Ok, chart.ErrorMessage);
        var shown = Assert.Single(chart.Outputs);
        Assert.Contains("Plotly.newPlot", Nb.Text(shown, "text/html"));
        Assert.Contains("scaling", Nb.Text(shown, "image/svg+xml"));

        var graph = kernel.Execute("Adjoint.Ad.TraceReverse((Adjoint.Tensor a, Adjoint.Tensor b) => a * Adjoint.Np.Sin(b), 1.0, 2.0).Graph", Minutes);
        Assert.True(graph.Status == CellStatus.Ok, graph.ErrorMessage);
        Assert.StartsWith("<svg", Nb.Text(Assert.Single(graph.Outputs), "image/svg+xml"));
    }

    [Fact]
    public void The_kernel_gets_the_workspace_settings_that_Polyglot_Notebooks_passes_to_it()
    {
        const string probe = "Console.Write($\"server GC {System.Runtime.GCSettings.IsServerGC}, a 160 kB array in generation {GC.GetGeneration(new double[20_000])}\");";
        Directory.CreateDirectory(_folder["bare"]);
        using (var bare = new InteractiveKernel(_folder["bare"], InteractiveKernel.Locate(null, Repository.Root)))
            Assert.Equal("server GC True, a 160 kB array in generation 2", Nb.Text(Assert.Single(bare.Execute(probe, Minutes).Outputs)));

        _folder.Write("course/.vscode/settings.json", """
            {
              // comments and trailing commas, as VS Code allows
              "polyglot-notebook.kernelEnvironmentVariables": { "DOTNET_gcServer": "0", "DOTNET_GCLOHThreshold": "0x800000", },
            }
            """);
        Directory.CreateDirectory(_folder["course/notebooks"]);
        using var kernel = new InteractiveKernel(_folder["course/notebooks"], InteractiveKernel.Locate(null, Repository.Root));
        Assert.Equal("server GC False, a 160 kB array in generation 0", Nb.Text(Assert.Single(kernel.Execute(probe, Minutes).Outputs)));
    }

    [Fact]
    public void A_cell_past_its_time_limit_stops_the_kernel_and_later_cells_are_refused()
    {
        using var kernel = Start();
        var looping = kernel.Execute("while (true) { }", TimeSpan.FromSeconds(5));
        Assert.Equal(CellStatus.TimedOut, looping.Status);
        var after = kernel.Execute("1 + 1", Minutes);
        Assert.Equal(CellStatus.Failed, after.Status);
        Assert.Contains("stopped", after.ErrorMessage);
    }
}
