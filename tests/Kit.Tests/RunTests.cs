using Kit.Running;
using Kit.Tests.Support;

namespace Kit.Tests;

/// <summary><c>kit run</c> over fixture notebooks: in-process runner, and the real command line.</summary>
[Collection(InProcessKernel.Name)]
public sealed class RunTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private NotebookReport RunInProcess(string path, double timeoutSeconds = 30) =>
        new NotebookRunner(TimeSpan.FromSeconds(timeoutSeconds)).Run(Kit.Notebooks.Notebook.Load(path));

    [Fact]
    public void Outputs_are_written_back_and_the_file_validates()
    {
        var path = _folder.Write("nb/lesson.ipynb", Nb.Notebook(
            Nb.Markdown("# Lesson"),
            Nb.Code("var x = 41;\nConsole.WriteLine(\"hi\");"),
            Nb.Code("x + 1"),
            Nb.Code("display(\"shown\");"),
            Nb.Code("let y = 1", language: "fsharp"),
            Nb.Code("throw new Exception(\"expected\");", "csharp", NotebookRunner.RaisesException)));
        var result = KitProcess.Run(_folder.Path, "run", "nb");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("skipped", result.Output);

        var notebook = Kit.Notebooks.Notebook.Load(path);
        var code = notebook.Cells.Where(c => c.IsCode).ToList();
        Assert.Equal([1, 2, 3, null, 4], code.Select(c => (int?)c.Json["execution_count"]));
        Assert.Equal("hi\n", Nb.Text(Nb.OutputsOf(path, 1)[0]!));
        Assert.Equal("execute_result", (string?)Nb.OutputsOf(path, 2)[0]!["output_type"]);
        Assert.Equal("display_data", (string?)Nb.OutputsOf(path, 3)[0]!["output_type"]);
        Assert.Empty(Nb.OutputsOf(path, 4));
        Assert.Equal("error", (string?)Nb.OutputsOf(path, 5)[0]!["output_type"]);
        Assert.Equal("# Lesson", notebook.Cells[0].Source);
        if (Nbformat.Available) Assert.Null(Nbformat.Problems(path));

        // A second run writes the same file: output is deterministic apart from nothing here.
        var first = File.ReadAllText(path);
        Assert.Equal(0, KitProcess.Run(_folder.Path, "run", "nb").ExitCode);
        Assert.Equal(first, File.ReadAllText(path));
    }

    [Fact]
    public void No_write_leaves_the_file_untouched_and_failures_exit_1()
    {
        var text = Nb.Notebook(Nb.Code("var a = 1;"), Nb.Code("throw new InvalidOperationException(\"broken\");"), Nb.Code("var never = 2;"));
        var path = _folder.Write("broken.ipynb", text);
        var result = KitProcess.Run(_folder.Path, "run", "--no-write", "broken.ipynb");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("broken", result.Output);
        Assert.Contains("not run", result.Output);
        Assert.Equal(text, File.ReadAllText(path));
    }

    [Fact]
    public void Raises_exception_cell_must_fail()
    {
        var path = _folder.Write("tagged.ipynb", Nb.Notebook(Nb.Code("var fine = 1;", "csharp", NotebookRunner.RaisesException)));
        var report = RunInProcess(path);
        var cell = Assert.Single(report.Cells);
        Assert.Equal(CellOutcome.Failed, cell.Outcome);
        Assert.Contains("did not fail", cell.Message);
    }

    [Fact]
    public void Compile_error_fails_the_notebook_and_stops_it()
    {
        var path = _folder.Write("typo.ipynb", Nb.Notebook(Nb.Code("var a = b;"), Nb.Code("var c = 1;")));
        var report = RunInProcess(path);
        Assert.Equal([CellOutcome.Failed, CellOutcome.NotRun], report.Cells.Select(c => c.Outcome));
        Assert.Contains("CS0103", report.Cells[0].Message);
    }

    [Fact]
    public void Timeout_stops_a_runaway_cell_and_the_command_returns()
    {
        _folder.Write("loop.ipynb", Nb.Notebook(Nb.Code("while (true) { }"), Nb.Code("var after = 1;")));
        var result = KitProcess.Run(_folder.Path, "run", "--no-write", "--timeout", "2", "loop.ipynb");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("TIMED OUT", result.Output);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(30), $"took {result.Elapsed}");
    }

    [Fact]
    public void Default_folders_missing_is_a_notice_not_an_error()
    {
        var result = KitProcess.Run(_folder.Path, "run");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("no notebooks found", result.Output);
    }

    [Fact]
    public void Missing_explicit_path_is_an_error()
    {
        var result = KitProcess.Run(_folder.Path, "run", "nope.ipynb");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nope.ipynb", result.Output);
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "bad-json", "{ \"cells\": [", "not valid JSON" },
        { "old-format", """{"cells": [], "metadata": {}, "nbformat": 3, "nbformat_minor": 0}""", "nbformat 3 is not supported" },
        { "no-cells", """{"metadata": {}, "nbformat": 4, "nbformat_minor": 5}""", "missing \"cells\"" },
        { "no-source", """{"cells": [{"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "execution_count": null}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""", "cell 1 has no \"source\"" },
        { "no-id", """{"cells": [{"cell_type": "markdown", "metadata": {}, "source": ""}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""", "no \"id\"" },
        { "no-outputs", """{"cells": [{"cell_type": "code", "id": "a", "metadata": {}, "source": "1", "execution_count": null}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""", "no \"outputs\"" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_notebook_is_named_with_its_problem_and_left_unchanged(string name, string text, string problem)
    {
        var path = _folder.Write($"{name}.ipynb", text);
        var result = KitProcess.Run(_folder.Path, "run", $"{name}.ipynb");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{name}.ipynb", result.Output);
        Assert.Contains(problem, result.Output);
        Assert.Equal(text, File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_folder.Path)); // no temp file left behind
    }
}
