using Kit.Generating;
using Kit.Notebooks;
using Kit.Tests.Support;

namespace Kit.Tests;

public sealed class GenerateTests : IDisposable
{
    private readonly SquaresExercise _exercise = new();

    public void Dispose() => _exercise.Dispose();

    private Cell Cell(string path, string id) => Notebook.Load(path).Cells.Single(c => Nbgrader.Of(c)?.GradeId == id);

    [Fact]
    public void Solutions_become_stubs_and_hidden_tests_disappear()
    {
        var answer = Cell(_exercise.Exercise, "square");
        Assert.Equal("static double Square(double x)\n{\n    " + ExerciseGenerator.CodeStub + "\n}", answer.Source);
        Assert.True(Nbgrader.Of(answer)!.Solution); // metadata kept

        var test = Cell(_exercise.Exercise, "test_square");
        Assert.Equal("Check.Close(Square(3), 9, what: \"Square(3)\");", test.Source);
        Assert.Equal(2, Nbgrader.Of(test)!.Points);
        Assert.Equal("squares.ipynb", (string?)Notebook.Load(_exercise.Exercise).Metadata[ExerciseGenerator.SolutionKey]);
        if (Nbformat.Available) Assert.Null(Nbformat.Problems(_exercise.Exercise));
    }

    [Fact]
    public void Outputs_of_answer_and_test_cells_are_cleared_others_kept()
    {
        // Run the solution so every cell has outputs, then generate.
        Assert.Equal(0, KitProcess.Run(_exercise.Folder.Path, "run", "solutions").ExitCode);
        Assert.Equal(2, (int?)Cell(_exercise.Solution, "square").Json["execution_count"]);
        Assert.Equal(0, KitProcess.Run(_exercise.Folder.Path, "generate").ExitCode);
        Assert.Empty(Cell(_exercise.Exercise, "square").Json["outputs"]!.AsArray());
        Assert.Null((int?)Cell(_exercise.Exercise, "test_square").Json["execution_count"]);
        Assert.Equal(1, (int?)Cell(_exercise.Exercise, "setup").Json["execution_count"]); // an ordinary cell keeps its outputs
    }

    [Fact]
    public void Check_reports_stale_exercises_and_passes_after_generate()
    {
        var folder = _exercise.Folder.Path;
        Assert.Equal(0, KitProcess.Run(folder, "generate", "--check").ExitCode);

        var solution = Notebook.Load(_exercise.Solution);
        solution.Cells.Single(c => Nbgrader.Of(c)?.GradeId == "test_sum").Source = "Check.Equal(SumTo(5), 15);";
        solution.Save();
        var check = KitProcess.Run(folder, "generate", "--check");
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("squares.ipynb: cell 8 differs", check.Output);
        File.WriteAllText(_exercise.Folder["exercises/orphan.ipynb"], File.ReadAllText(_exercise.Exercise));
        Assert.Contains("orphan.ipynb: no solution notebook generates it", KitProcess.Run(folder, "generate", "--check").Output);

        Assert.Equal(0, KitProcess.Run(folder, "generate").ExitCode);
        Assert.False(File.Exists(_exercise.Folder["exercises/orphan.ipynb"]));
        Assert.Equal(0, KitProcess.Run(folder, "generate", "--check").ExitCode);
    }

    [Fact]
    public void Unbalanced_markers_are_an_error_naming_file_and_cell()
    {
        var solution = Notebook.Load(_exercise.Solution);
        solution.Cells.Single(c => Nbgrader.Of(c)?.GradeId == "cube").Source = "// BEGIN SOLUTION\nstatic double Cube(double x) => x;";
        solution.Save();
        var result = KitProcess.Run(_exercise.Folder.Path, "generate");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("squares.ipynb: cell 5: BEGIN SOLUTION without END SOLUTION", result.Output);
    }

    [Fact]
    public void Duplicate_grade_ids_are_rejected()
    {
        var solution = Notebook.Load(_exercise.Solution);
        solution.Cells.Single(c => Nbgrader.Of(c)?.GradeId == "cube").Nbgrader!["grade_id"] = "square";
        solution.Save();
        var result = KitProcess.Run(_exercise.Folder.Path, "generate", "--check");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("repeats grade_id \"square\"", result.Output);
    }

    [Fact]
    public void A_test_that_is_all_hidden_is_rejected()
    {
        // Its exercise copy would check nothing, and pass on an empty answer where the exercise's own tests grade.
        var solution = Notebook.Load(_exercise.Solution);
        var test = solution.Cells.Single(c => Nbgrader.Of(c) is { Grade: true } && c.Source.Contains("Square(-2)"));
        test.Source = "// Square of a negative number\n// BEGIN HIDDEN TESTS\nCheck.Close(Square(-2), 4, what: \"Square(-2)\");\n// END HIDDEN TESTS";
        solution.Save();
        var result = KitProcess.Run(_exercise.Folder.Path, "generate");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is all hidden", result.Output);
    }
}
