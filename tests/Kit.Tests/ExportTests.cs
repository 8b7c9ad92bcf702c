using Kit.Exporting;
using Kit.Notebooks;
using Kit.Tests.Support;

namespace Kit.Tests;

[Collection(RepositoryBuilds.Name)]
public sealed class ExportTests : IDisposable
{
    // Inside the repository (artifacts/ is ignored by git) so that the exported lesson sees the
    // repository's Directory.Build.props and central package versions, as lessons/ does.
    private readonly string _folder = Directory.CreateDirectory(Repository.Combine($"artifacts/export-tests/{Guid.NewGuid():N}")).FullName;

    /// <summary>A notebook with what the exporter must translate: #r of packages and of a built
    /// dll, Markdown, a type and a method between statements, #!time, display and a final value.</summary>
    private string FixtureNotebook()
    {
        var courseDll = Repository.Combine("artifacts/bin/Course/debug/Course.dll");
        var text = Nb.Notebook(
            Nb.Code($"""
                #r "nuget: Plotly.NET.Interactive, 6.0.0"
                #r "nuget: Plotly.NET.CSharp, 0.14.0"
                #r "{courseDll}"
                using Course;
                """),
            Nb.Markdown("# Squares\n\nA *lesson* about squares."),
            Nb.Code("""
                // A point, declared between statements as notebooks do.
                record Point(double X, double Y)
                {
                    public double Norm => Math.Sqrt(X * X + Y * Y);
                }
                static double Square(double x) => x * x;
                var p = new Point(3, 4);
                Console.WriteLine($"norm {p.Norm}, square {Square(p.Norm)}");
                """),
            Nb.Code("#!time\nvar total = Enumerable.Range(1, 10).Sum();\ndisplay(total);"),
            Nb.Code("Check.Close(Square(total), 3025, 0, what: \"Square(55)\");\np.Display();"),
            Nb.Code("new[] { 1, 2, 3 }"));
        var path = Path.Combine(_folder, "notebooks", "squares.ipynb");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private string Export(string notebook) =>
        LessonExporter.Export(Notebook.Load(notebook), Path.Combine(_folder, "lessons"), "notebooks/squares.ipynb");

    [Fact]
    public void Writes_directives_comments_and_statements_in_the_order_csharp_wants()
    {
        var text = Export(FixtureNotebook());

        Assert.Contains("#:package Plotly.NET.CSharp@0.14.0\n", text);
        Assert.DoesNotContain("Plotly.NET.Interactive", text);
        Assert.DoesNotContain("#r ", text);
        Assert.Contains("#:project ../../../../src/Course/Course.csproj\n", text);
        Assert.Contains("// # Squares\n//\n// A *lesson* about squares.\n", text);
        Assert.Contains("using Course;\n", text);
        Assert.Contains("display(new[] { 1, 2, 3 });", text);
        Assert.Contains("Wall time:", text);
        // Directives first, then usings, statements and finally the types.
        Assert.True(text.LastIndexOf("#:", StringComparison.Ordinal) < text.IndexOf("using ", StringComparison.Ordinal));
        Assert.True(text.IndexOf("var p = new Point", StringComparison.Ordinal) < text.IndexOf("\nrecord Point(", StringComparison.Ordinal));
        Assert.Contains("// A point, declared between statements as notebooks do.\nrecord Point", text);
    }

    [Fact]
    public void The_exported_lesson_runs_with_dotnet_run()
    {
        var lesson = Path.Combine(_folder, "lessons", "squares.cs");
        Directory.CreateDirectory(Path.GetDirectoryName(lesson)!);
        File.WriteAllText(lesson, Export(FixtureNotebook()));

        var result = ChildProcess.Run(ChildProcess.Dotnet, ["run", "squares.cs"], Path.GetDirectoryName(lesson)!, TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, $"dotnet run exited with {result.ExitCode}:\n{result.Output}\n--- the lesson:\n{File.ReadAllText(lesson)}");
        Assert.Contains("norm 5, square 25", result.Output);
        Assert.Matches(@"55\s+Wall time: [0-9.]+ms", result.Output);
        Assert.Contains("Point { X = 3, Y = 4, Norm = 5 }", result.Output);
        Assert.Contains("[ 1, 2, 3 ]", result.Output);
    }

    [Theory]
    [InlineData("#load \"helpers.csx\"", "#load")]
    [InlineData("#r \"/usr/lib/some.dll\"", "not the build output of a project")]
    [InlineData("#!connect mssql", "unsupported magic command")]
    [InlineData("var x = ;", "does not compile")]
    [InlineData("var (total, _) = (2, 3);", "declares 'total' again (first declared in code cell 1)")]
    [InlineData("int Twice(int x) => 2 * x;", "declares 'Twice' again")]
    public void Reports_what_it_cannot_translate(string code, string expected)
    {
        var path = Path.Combine(_folder, "bad.ipynb");
        File.WriteAllText(path, Nb.Notebook(Nb.Markdown("# Bad"), Nb.Code("var total = 1;\nint Twice(int x) => x + x;"), Nb.Code(code)));

        var error = Assert.Throws<ExportException>(() => LessonExporter.Export(Notebook.Load(path), _folder, "bad.ipynb"));
        Assert.Contains("code cell 2", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Check_reports_lessons_out_of_date_with_their_notebooks()
    {
        var notebook = FixtureNotebook();
        Assert.Equal(0, KitProcess.Run(_folder, "export", "notebooks", "--out", "lessons").ExitCode);
        Assert.Equal(0, KitProcess.Run(_folder, "export", "notebooks", "--out", "lessons", "--check").ExitCode);

        File.WriteAllText(notebook, File.ReadAllText(notebook).Replace("about squares", "about cubes"));
        var check = KitProcess.Run(_folder, "export", "notebooks", "--out", "lessons", "--check");
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("out of date", check.Output);
        Assert.Contains("squares.cs", check.Output);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
