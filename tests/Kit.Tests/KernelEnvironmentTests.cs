using System.Xml.Linq;
using Kit.Running;
using Kit.Scripting;
using Kit.Tests.Support;

namespace Kit.Tests;

/// <summary>The kernel's runtime settings in .vscode/settings.json (see <see cref="KernelEnvironment"/>).</summary>
public sealed class KernelEnvironmentTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_course_gives_the_kernel_the_runtime_settings_our_executables_get_from_Directory_Build_props()
    {
        var kernel = KernelEnvironment.For(Repository.Combine("notebooks"));
        var props = XDocument.Load(Repository.Combine("Directory.Build.props")).Descendants("RuntimeHostConfigurationOption")
            .ToDictionary(o => (string)o.Attribute("Include")!, o => (string)o.Attribute("Value")!);

        Assert.Equal(long.Parse(props["System.GC.LOHThreshold"]), Convert.ToInt64(kernel["DOTNET_GCLOHThreshold"], 16));
        Assert.Equal(bool.Parse(props["System.Runtime.TieredCompilation.QuickJitForLoops"]), kernel["DOTNET_TC_QuickJitForLoops"] == "1");
        Assert.Equal("0", kernel["DOTNET_gcServer"]); // our executables use workstation GC, the default
    }

    [Fact]
    public void Without_a_settings_file_above_the_notebook_the_kernel_gets_nothing()
    {
        Directory.CreateDirectory(_folder["notebooks"]);
        Assert.Empty(KernelEnvironment.For(_folder["notebooks"]));
    }

    [Theory]
    [InlineData("{ \"polyglot-notebook.kernelEnvironmentVariables\": ", "not valid JSON")]
    [InlineData("{ \"polyglot-notebook.kernelEnvironmentVariables\": [\"DOTNET_gcServer=0\"] }", "must be an object")]
    [InlineData("{ \"polyglot-notebook.kernelEnvironmentVariables\": { \"DOTNET_gcServer\": 0 } }", "DOTNET_gcServer must be a string")]
    public void A_malformed_settings_file_is_reported_with_its_path_and_the_problem(string text, string problem)
    {
        var path = _folder.Write(".vscode/settings.json", text);
        var error = Assert.Throws<KernelException>(() => KernelEnvironment.For(_folder.Path));
        Assert.Contains(path, error.Message);
        Assert.Contains(problem, error.Message);
    }

    /// <summary>VS Code's JSON: comments (also after values and inside lines), trailing commas, "//" inside strings.</summary>
    private const string SettingsWithComments = """
        {
          // the kernel's runtime
          "editor.rulers": [120, ], /* a block
             comment */
          "polyglot-notebook.kernelEnvironmentVariables": {
            "DOTNET_gcServer": "0", // workstation GC
            "DOTNET_GCLOHThreshold": "0x800000",
            "COURSE_URL": "https://example.org/a//b", /* not a comment: inside a string */
          },
        }
        """;

    [Fact]
    public void The_Jupyter_kernelspecs_get_the_same_settings_as_the_kit_reads()
    {
        _folder.Write(".vscode/settings.json", SettingsWithComments);
        var spec = _folder.Write("kernels/.net-csharp/kernel.json", """{ "argv": ["dotnet-interactive"], "env": { "KEPT": "1" } }""");
        var run = ChildProcess.Run("python3", [Repository.Combine(".devcontainer/kernelspec_env.py"), _folder[".vscode/settings.json"], _folder["kernels"]],
            _folder.Path, TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.Output);

        var env = System.Text.Json.JsonDocument.Parse(File.ReadAllText(spec)).RootElement.GetProperty("env")
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        var expected = KernelEnvironment.For(_folder.Path);
        Assert.Equal(3, expected.Count);
        foreach (var (name, value) in expected) Assert.Equal(value, env[name]);
        Assert.Equal("1", env["KEPT"]); // the kernelspec's own variables stay
    }

    [Fact]
    public void The_Jupyter_kernelspec_writer_reports_a_malformed_settings_file_with_its_path()
    {
        var path = _folder.Write(".vscode/settings.json", "{ \"polyglot-notebook.kernelEnvironmentVariables\": ");
        _folder.Write("kernels/.net-csharp/kernel.json", "{}");
        var run = ChildProcess.Run("python3", [Repository.Combine(".devcontainer/kernelspec_env.py"), path, _folder["kernels"]], _folder.Path, TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(path, run.Output);
        Assert.Contains("not valid JSON", run.Output);
        Assert.DoesNotContain("Traceback", run.Output);
    }
}
