using Kit.Scripting;
using Kit.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kit.Tests;

/// <summary>The headless kernel: the semantics DESIGN.md promises for notebook cells.</summary>
[Collection(InProcessKernel.Name)]
public sealed class KernelTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private CellResult Ok(ScriptKernel kernel, string code)
    {
        var result = kernel.Execute(code, Timeout);
        Assert.True(result.Succeeded, $"{result.ErrorType}: {result.ErrorMessage}");
        return result;
    }

    [Fact]
    public void State_carries_over_between_cells()
    {
        var kernel = new ScriptKernel(_folder.Path);
        Ok(kernel, "var x = 20; int Twice(int v) => 2 * v;");
        Ok(kernel, "x += 1;");
        var result = Ok(kernel, "Twice(x)");
        var output = Assert.Single(result.Outputs);
        Assert.Equal("execute_result", (string?)output["output_type"]);
        Assert.Equal("42", Nb.Text(output));
        Assert.Equal(3, result.ExecutionCount);
    }

    [Fact]
    public void Default_usings_are_imported()
    {
        var kernel = new ScriptKernel(_folder.Path);
        Ok(kernel, "var sb = new StringBuilder(); var list = new List<int> { 3, 1 }.OrderBy(i => i).ToList(); Task.CompletedTask.Wait(); ArrayList a = new();");
    }

    [Fact]
    public void Dynamic_works_as_in_the_kernel()
    {
        var kernel = new ScriptKernel(_folder.Path);
        Assert.Equal("3", Nb.Text(Assert.Single(Ok(kernel, "dynamic d = 1; d + 2").Outputs)));
    }

    [Fact]
    public void Console_output_and_displays_keep_their_order()
    {
        var kernel = new ScriptKernel(_folder.Path);
        var outputs = Ok(kernel, """
            Console.WriteLine("before");
            display(new[] { 1, 2, 3 });
            "shown".Display();
            Console.Error.WriteLine("problem");
            """).Outputs;
        Assert.Equal(["stream", "display_data", "display_data", "stream"], outputs.Select(o => (string?)o["output_type"]));
        Assert.Equal("before\n", Nb.Text(outputs[0]));
        Assert.Equal("[ 1, 2, 3 ]", Nb.Text(outputs[1]));
        Assert.Contains("<pre>[ 1, 2, 3 ]</pre>", Nb.Text(outputs[1], "text/html"));
        Assert.Equal("shown", Nb.Text(outputs[2]));
        Assert.Equal("stderr", (string?)outputs[3]["name"]);
    }

    [Fact]
    public void A_cell_ending_in_display_shows_the_value_once()
    {
        var kernel = new ScriptKernel(_folder.Path);
        Assert.Single(Ok(kernel, "display(5)").Outputs);
        Assert.Single(Ok(kernel, "6.Display()").Outputs);
    }

    [Fact]
    public void Display_from_a_background_thread_after_the_cell_ended_does_not_crash()
    {
        var kernel = new ScriptKernel(_folder.Path);
        Ok(kernel, "var late = System.Threading.Tasks.Task.Run(async () => { await Task.Delay(200); display(\"late\"); });");
        Thread.Sleep(600); // no cell is running when the task displays
        Ok(kernel, "late.Wait();"); // would rethrow if display() had thrown on that thread
    }

    [Fact]
    public void TypeFormatterSourceAttribute_is_honoured_by_name()
    {
        var kernel = new ScriptKernel(_folder.Path);
        Ok(kernel, """
            using System.IO;
            class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
            {
                public Type FormatterSourceType { get; } = formatterSourceType;
                public string[] PreferredMimeTypes { get; set; } = [];
            }
            class MoneyFormatter
            {
                public string MimeType => "text/html";
                public bool Format(object instance, TextWriter writer) { writer.Write($"<b>{((Money)instance).Amount} €</b>"); return true; }
            }
            class MoneyFormatters { public IEnumerable<object> CreateTypeFormatters() => [new MoneyFormatter()]; }
            [TypeFormatterSource(typeof(MoneyFormatters))]
            record Money(decimal Amount);
            """);
        var output = Assert.Single(Ok(kernel, "new Money(3.5m)").Outputs);
        Assert.Equal("<b>3.5 €</b>", Nb.Text(output, "text/html"));
        Assert.Equal("Money { Amount = 3.5 }", Nb.Text(output)); // no text/plain formatter: ToString()
    }

    [Fact]
    public void Time_magic_prints_the_wall_time()
    {
        var kernel = new ScriptKernel(_folder.Path);
        var outputs = Ok(kernel, "#!time\nSystem.Threading.Thread.Sleep(50);").Outputs;
        var text = Nb.Text(Assert.Single(outputs));
        Assert.Matches(@"^Wall time: \d+(\.\d+)?ms$", text);
        Assert.True(double.Parse(text[11..^2]) >= 50);
    }

    [Fact]
    public void Compile_error_reports_the_compiler_message_and_keeps_state()
    {
        var kernel = new ScriptKernel(_folder.Path);
        Ok(kernel, "var kept = 1;");
        var result = kernel.Execute("var y = undefinedName + 1;", Timeout);
        Assert.Equal(CellStatus.Failed, result.Status);
        Assert.Equal("CompilationError", result.ErrorType);
        Assert.Contains("CS0103", result.ErrorMessage);
        var error = Assert.Single(result.Outputs);
        Assert.Equal("error", (string?)error["output_type"]);
        Assert.Equal("1", Nb.Text(Assert.Single(Ok(kernel, "kept").Outputs)));
    }

    [Fact]
    public void Runtime_error_reports_the_exception()
    {
        var kernel = new ScriptKernel(_folder.Path);
        var result = kernel.Execute("Console.WriteLine(\"partial\");\nthrow new InvalidOperationException(\"boom\");", Timeout);
        Assert.Equal(CellStatus.Failed, result.Status);
        Assert.Equal("System.InvalidOperationException", result.ErrorType);
        var error = result.Outputs[^1];
        Assert.Equal("boom", (string?)error["evalue"]);
        Assert.Equal("System.InvalidOperationException", (string?)error["ename"]);
        Assert.Contains("boom", error["traceback"]![0]!.ToString());
        Assert.Equal("partial\n", Nb.Text(result.Outputs[0]));
    }

    [Fact]
    public void R_loads_a_locally_built_dll_relative_to_the_notebook_folder()
    {
        BuildLibrary(_folder["lib/Greeter.dll"], "public static class Greeter { public static string Hello(string n) => $\"hello {n}\"; }");
        var kernel = new ScriptKernel(_folder.Path);
        Ok(kernel, "#r \"lib/Greeter.dll\"");
        Assert.Equal("hello kit", Nb.Text(Assert.Single(Ok(kernel, "Greeter.Hello(\"kit\")").Outputs)));
    }

    [Fact]
    public void R_of_an_assembly_the_kit_already_loaded_reuses_it()
    {
        _folder.AddCourseDll("copy");
        var kernel = new ScriptKernel(_folder.Path);
        Ok(kernel, "#r \"copy/Course.dll\"");
        // Same identity -> the kit's own copy, so types (and their static state) are shared with the host.
        Ok(kernel, $"if (typeof(Course.Check).Assembly.Location != @\"{typeof(Course.Check).Assembly.Location}\") throw new Exception(typeof(Course.Check).Assembly.Location);");
        Ok(kernel, "Course.Check.Close(1.0, 1.0);");
    }

    [Fact]
    public void Load_runs_a_script_file_relative_to_the_notebook_folder()
    {
        _folder.Write("helpers/util.csx", "static int Triple(int x) => 3 * x;");
        var kernel = new ScriptKernel(_folder.Path);
        Assert.Equal("9", Nb.Text(Assert.Single(Ok(kernel, "#load \"helpers/util.csx\"\nTriple(3)").Outputs)));
    }

    [Fact]
    public void Working_directory_is_the_notebook_folder()
    {
        _folder.Write("data.txt", "from the notebook folder");
        var kernel = new ScriptKernel(_folder.Path);
        Assert.Equal("from the notebook folder", Nb.Text(Assert.Single(Ok(kernel, "System.IO.File.ReadAllText(\"data.txt\")").Outputs)));
    }

    [Fact]
    public void Plotly_NET_packages_are_refused_as_the_real_kernel_would_fail_on_them()
    {
        var kernel = new ScriptKernel(_folder.Path);
        var result = kernel.Execute("#r \"nuget: Plotly.NET.Interactive, 6.0.0\"", TimeSpan.FromMinutes(1));
        Assert.Equal(CellStatus.Failed, result.Status);
        Assert.Contains("FSharp.Core 10.1", result.ErrorMessage);
        Assert.Contains("Course.Charts", result.ErrorMessage);
    }

    [Fact]
    public void Course_charts_show_as_interactive_html_and_static_svg()
    {
        _folder.AddCourseDll("lib");
        var kernel = new ScriptKernel(_folder.Path);
        Ok(kernel, "#r \"lib/Course.dll\"");
        var chart = Assert.Single(Ok(kernel, "Course.Charts.Bars(new[] { \"a\", \"b\" }, new[] { 1.0, 2.0 }, title: \"two bars\")").Outputs);
        Assert.Contains("Plotly.newPlot", Nb.Text(chart, "text/html"));
        Assert.StartsWith("<?xml", Nb.Text(chart, "image/svg+xml"));
        Assert.Contains("two bars", Nb.Text(chart, "image/svg+xml"));
    }

    [Theory]
    [InlineData("text/plain", "<b>x</b> & y")]
    [InlineData("text/html", "&lt;b&gt;x&lt;/b&gt; &amp; y")]
    [InlineData("application/json", "\"<b>x</b> & y\"")]
    public void Strings_shown_with_a_mime_type_are_formatted_as_the_kernel_formats_them(string mime, string expected)
    {
        var kernel = new ScriptKernel(_folder.Path);
        var output = Assert.Single(Ok(kernel, $"display(\"<b>x</b> & y\", \"{mime}\");").Outputs);
        Assert.Contains(expected, Nb.Text(output, mime));
    }

    [Fact]
    public void A_dll_without_its_dependencies_beside_it_is_refused_as_the_real_kernel_would_fail()
    {
        var built = Repository.Combine("artifacts/bin/Adjoint/debug");
        var alone = Directory.CreateDirectory(Path.Combine(_folder.Path, "alone")).FullName;
        File.Copy(Path.Combine(built, "Adjoint.dll"), Path.Combine(alone, "Adjoint.dll"));
        var refused = new ScriptKernel(_folder.Path).Execute("#r \"alone/Adjoint.dll\"", TimeSpan.FromMinutes(1));
        Assert.Equal(CellStatus.Failed, refused.Status);
        Assert.Contains("System.Numerics.Tensors.dll", refused.ErrorMessage);

        File.Copy(Path.Combine(built, "System.Numerics.Tensors.dll"), Path.Combine(alone, "System.Numerics.Tensors.dll"));
        Ok(new ScriptKernel(_folder.Path), "#r \"alone/Adjoint.dll\"\nAdjoint.Np.Array(1.0, 2.0)");
    }

    [Fact]
    public void A_string_shown_as_svg_fails_as_in_the_real_kernel()
    {
        var kernel = new ScriptKernel(_folder.Path);
        var result = kernel.Execute("display(\"<svg/>\", \"image/svg+xml\");", TimeSpan.FromMinutes(1));
        Assert.Equal(CellStatus.Failed, result.Status);
        Assert.Contains("No formatter is registered for MIME type image/svg+xml", result.ErrorMessage);
    }

    [Fact]
    public void Unknown_nuget_package_is_a_clear_error_naming_it()
    {
        var result = new ScriptKernel(_folder.Path).Execute("#r \"nuget: Newtonsoft.Json, 13.0.1\"", Timeout);
        Assert.Equal(CellStatus.Failed, result.Status);
        Assert.Contains("'Newtonsoft.Json'", result.ErrorMessage);
    }

    [Fact]
    public void Unknown_magic_command_is_an_error()
    {
        var result = new ScriptKernel(_folder.Path).Execute("var a = 1;\n#!whos", Timeout);
        Assert.Equal(CellStatus.Failed, result.Status);
        Assert.Contains("#!whos", result.ErrorMessage);
    }

    [Fact]
    public void Console_output_is_capped()
    {
        var kernel = new ScriptKernel(_folder.Path, maxOutputChars: 1000);
        var outputs = Ok(kernel, "for (var i = 0; i < 10_000; i++) Console.WriteLine(\"0123456789\");").Outputs;
        Assert.Equal(1000, Nb.Text(outputs[0]).Length);
        Assert.Contains("output truncated", Nb.Text(outputs[^1]));
    }

    [Fact]
    public void A_runaway_cell_times_out_and_stops_the_kernel()
    {
        var kernel = new ScriptKernel(_folder.Path);
        var result = kernel.Execute("while (true) System.Threading.Thread.Sleep(10);", TimeSpan.FromSeconds(1));
        Assert.Equal(CellStatus.TimedOut, result.Status);
        Assert.Equal(CellStatus.Failed, kernel.Execute("1", Timeout).Status);
    }

    internal static void BuildLibrary(string path, string source)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator)
            .Where(p => System.IO.Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(name, [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var emitted = compilation.Emit(path);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
    }
}
