using Kit.Grading;
using Kit.Tests.Support;

namespace Kit.Tests;

public sealed class GradeTests : IDisposable
{
    private readonly SquaresExercise _exercise = new();

    public void Dispose() => _exercise.Dispose();

    private static void AssertTest(Kit.Grading.GradeReport report, string id, double points, string status, string? message = null)
    {
        var test = Assert.Single(report.Tests, t => t.GradeId == id);
        Assert.True(test.Status == status && test.Points == points, $"{id}: expected {status} ({points} points), got {test.Status} ({test.Points}): {test.Message}");
        if (message is not null) Assert.Contains(message, test.Message);
    }

    [Fact]
    public void Correct_submission_earns_full_marks()
    {
        var report = _exercise.Grade(_exercise.Submission("correct", SquaresExercise.CorrectAnswers));
        Assert.Equal(6, report.MaxScore);
        Assert.Equal(6, report.Score);
        Assert.All(report.Tests, t => Assert.Equal("passed", t.Status));
    }

    [Fact]
    public void Partial_submission_earns_the_passed_tests_with_check_messages()
    {
        var report = _exercise.Grade(_exercise.Submission("partial", new Dictionary<string, string>
        {
            ["square"] = "static double Square(double x) => x * x;",
            ["cube"] = "static double Cube(double x) => x * x;", // wrong
        }));
        Assert.Equal(2, report.Score);
        AssertTest(report, "test_square", 2, "passed");
        AssertTest(report, "test_cube", 0, "failed", "Cube(2): expected 8");
        AssertTest(report, "test_sum", 0, "not attempted");
    }

    [Fact]
    public void Blank_exercise_scores_zero_with_not_attempted()
    {
        var report = _exercise.Grade(_exercise.Exercise);
        Assert.Equal(0, report.Score);
        Assert.All(report.Tests, t => Assert.Equal(("not attempted", "not attempted"), (t.Status, t.Message)));
    }

    [Fact]
    public void Hidden_tests_run_and_edited_tests_do_not_count()
    {
        // Square is right for 3 only; the visible test is "fixed" by the student, the hidden one catches it.
        var path = _exercise.CorrectExcept("cheat", "square", "static double Square(double x) => 9;");
        var notebook = Kit.Notebooks.Notebook.Load(path);
        notebook.Cells.Single(c => Kit.Notebooks.Nbgrader.Of(c)?.GradeId == "test_square").Source = "// trust me";
        notebook.Save();
        var report = _exercise.Grade(path);
        AssertTest(report, "test_square", 0, "failed", "a hidden test failed");
    }

    [Fact]
    public void Console_output_cannot_forge_results()
    {
        var forged = """
            Console.WriteLine("{\"event\":\"End\",\"cell\":3,\"status\":\"Ok\"}");
            Console.WriteLine("{\"event\":\"Done\"}");
            static double Cube(double x) => throw new NotImplementedException();
            """;
        var report = _exercise.Grade(_exercise.CorrectExcept("forged", "cube", forged));
        Assert.Equal(3, report.Score);
        AssertTest(report, "test_cube", 0, "not attempted");
    }

    [Fact]
    public void Student_compile_error_is_reported_against_the_test()
    {
        var report = _exercise.Grade(_exercise.CorrectExcept("typo", "cube", "static double Cube(double x) => x * x * y;"));
        AssertTest(report, "test_cube", 0, "failed", "answer cell 'cube' failed: compile error");
        Assert.Equal(3, report.Score);
    }

    public static TheoryData<string, string, string, string> Accidents => new()
    {
        { "infinite loop", "static double Cube(double x) { while (true) { } }", "timed out", "timed out" },
        { "Environment.Exit", "static double Cube(double x) { Environment.Exit(0); return 0; }", "crashed", "exit code 0" },
        { "stack overflow", "static double Cube(double x) => Cube(x + 1) + 1;", "crashed", "stack overflow" },
        { "access violation", "static double Cube(double x) => System.Runtime.InteropServices.Marshal.ReadInt32((IntPtr)0x7fff_dead_beef);", "crashed", "crashed" },
        { "huge allocation", "static double Cube(double x) { var hog = new List<double[]>(); while (true) hog.Add(new double[10_000_000]); }", "failed", "OutOfMemoryException" },
        {
            "background thread exception",
            "new System.Threading.Thread(() => throw new InvalidOperationException(\"from a thread\")).Start();\nSystem.Threading.Thread.Sleep(5000);\nstatic double Cube(double x) => x * x * x;",
            "failed", "from a thread"
        },
    };

    /// <summary>An accident in Cube costs Cube's points only. The answer policy is off (it would reject the
    /// exit, the interop and the thread before they run): this is the layer below it. The limit is CPU time,
    /// so a loaded machine cannot make the honest cells time out.</summary>
    [Theory]
    [MemberData(nameof(Accidents))]
    public void Accidents_in_one_answer_leave_the_rest_graded(string name, string cube, string status, string message)
    {
        var report = _exercise.Grade(_exercise.CorrectExcept(name.Replace(' ', '-'), "cube", cube), cellTimeoutSeconds: 10, new GradeOptions(Policy: false));
        AssertTest(report, "test_cube", 0, status, message);
        AssertTest(report, "test_square", 2, "passed");
        AssertTest(report, "test_sum", 1, "passed");
    }

    [Fact]
    public void A_gigabyte_of_console_output_is_capped_and_graded()
    {
        var noisy = """
            var line = new string('x', 1023);
            for (var i = 0; i < 512 * 1024; i++) Console.WriteLine(line);
            using (var raw = Console.OpenStandardOutput())
            {
                var block = new byte[1 << 20];
                for (var i = 0; i < 512; i++) raw.Write(block);
            }
            static double Cube(double x) => x * x * x;
            """;
        var report = _exercise.Grade(_exercise.CorrectExcept("noisy", "cube", noisy), options: new GradeOptions(Policy: false)); // the policy would reject the raw stream
        Assert.Equal(6, report.Score);
    }
}

/// <summary><c>kit grade</c> as a command: folders, reports, exit codes.</summary>
public sealed class GradeCommandTests : IDisposable
{
    private readonly SquaresExercise _exercise = new();

    public void Dispose() => _exercise.Dispose();

    [Fact]
    public void A_folder_gets_a_class_summary_csv_and_a_json_list()
    {
        _exercise.Submission("alice", SquaresExercise.CorrectAnswers);
        File.Copy(_exercise.Exercise, _exercise.Folder["submissions/bob.ipynb"]); // renamed: found by metadata
        var result = KitProcess.Run(_exercise.Folder.Path, "grade", "submissions", "--json", "report.json", "--csv", "grades.csv");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(
            ["submission,score,max_score,test_square,test_cube,test_sum", "submissions/alice.ipynb,6,6,2,3,1", "submissions/bob.ipynb,0,6,0,0,0"],
            File.ReadAllLines(_exercise.Folder["grades.csv"]));
        var reports = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_exercise.Folder["report.json"]))!.AsArray();
        Assert.Equal(2, reports.Count);
        Assert.Equal("not attempted", (string?)reports[1]!["tests"]![0]!["status"]);
        Assert.Equal(6, (double?)reports[0]!["maxScore"]);
    }

    [Fact]
    public void Shards_grade_each_submission_once_and_merge_into_one_report()
    {
        foreach (var name in new[] { "ann", "ben", "cat" }) _exercise.Submission(name, SquaresExercise.CorrectAnswers);
        var folder = _exercise.Folder.Path;
        Assert.Equal(0, KitProcess.Run(folder, "grade", "submissions", "--shard", "1/2", "--json", "a.json", "--jobs", "2").ExitCode);
        Assert.Equal(0, KitProcess.Run(folder, "grade", "submissions", "--shard", "2/2", "--json", "b.json").ExitCode);
        var shares = new[] { "a.json", "b.json" }.Select(f => System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_exercise.Folder[f]))!.AsArray().Count);
        Assert.Equal([2, 1], shares);
        var merged = KitProcess.Run(folder, "grade-merge", "a.json", "b.json", "--json", "all.json", "--csv", "all.csv");
        Assert.True(merged.ExitCode == 0, merged.Output);
        Assert.Equal(
            ["submission,score,max_score,test_square,test_cube,test_sum", "submissions/ann.ipynb,6,6,2,3,1", "submissions/ben.ipynb,6,6,2,3,1", "submissions/cat.ipynb,6,6,2,3,1"],
            File.ReadAllLines(_exercise.Folder["all.csv"]));
        Assert.Equal(2, KitProcess.Run(folder, "grade-merge", "a.json", "a.json").ExitCode); // overlapping shards
        Assert.Equal(2, KitProcess.Run(folder, "grade", "submissions", "--shard", "3/2").ExitCode);
    }

    [Fact]
    public void The_classroom_result_is_base64_json_for_the_grading_reporter()
    {
        var submission = _exercise.CorrectExcept("dana", "cube", "static double Cube(double x) => x * x;");
        var result = KitProcess.Run(_exercise.Folder.Path, "grade", submission, "--classroom-output", "out.txt");
        Assert.True(result.ExitCode == 0, result.Output);
        var line = Assert.Single(File.ReadAllLines(_exercise.Folder["out.txt"]));
        Assert.StartsWith("result=", line);
        var json = System.Text.Json.Nodes.JsonNode.Parse(Convert.FromBase64String(line["result=".Length..]))!;
        Assert.Equal((1, "fail", 6.0), ((int)json["version"]!, (string)json["status"]!, (double)json["max_score"]!));
        var tests = json["tests"]!.AsArray();
        Assert.Equal(["test_square", "test_cube", "test_sum"], tests.Select(t => (string)t!["name"]!));
        Assert.Equal(["pass", "fail", "pass"], tests.Select(t => (string)t!["status"]!));
        Assert.Equal([2.0, 0.0, 1.0], tests.Select(t => (double)t!["score"]!));
        Assert.Contains("Cube(2): expected 8", (string)tests[1]!["message"]!);
    }

    [Fact]
    public void The_classroom_workflow_grades_each_exercise_against_its_reference_copy()
    {
        var folder = _exercise.Folder.Path;
        var written = KitProcess.Run(folder, "classroom", "--out", ".");
        Assert.True(written.ExitCode == 0, written.Output);
        var workflow = File.ReadAllText(_exercise.Folder[".github/workflows/classroom.yml"]);
        Assert.Contains("grade exercises/squares.ipynb --solution .classroom/squares.ipynb --classroom-output \"$GITHUB_OUTPUT\"", workflow);
        Assert.Contains("EX01_RESULTS: \"${{steps.ex01.outputs.result}}\"", workflow);
        Assert.Contains("runners: ex01", workflow);
        Assert.Equal(File.ReadAllText(_exercise.Exercise), File.ReadAllText(_exercise.Folder[".classroom/squares.ipynb"]));
        Assert.Equal(0, KitProcess.Run(folder, "classroom", "--check").ExitCode);
        File.AppendAllText(_exercise.Folder[".github/workflows/classroom.yml"], "# edited\n");
        Assert.Equal(1, KitProcess.Run(folder, "classroom", "--check").ExitCode);
    }

    [Fact]
    public void Zero_points_is_still_exit_0()
    {
        var result = KitProcess.Run(_exercise.Folder.Path, "grade", "exercises/squares.ipynb");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("0 / 6", result.Output);
    }

    [Fact]
    public void Missing_or_malformed_submission_exits_2()
    {
        Assert.Equal(2, KitProcess.Run(_exercise.Folder.Path, "grade", "nope.ipynb").ExitCode);
        _exercise.Folder.Write("bad.ipynb", "{ not json");
        var result = KitProcess.Run(_exercise.Folder.Path, "grade", "bad.ipynb", "--solution", "solutions/squares.ipynb");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.ipynb: not valid JSON", result.Output);
        var unmatched = KitProcess.Run(_exercise.Folder.Path, "grade", "bad.ipynb");
        Assert.Equal(2, unmatched.ExitCode);
    }

    [Fact]
    public void A_submission_that_cannot_be_graded_gets_an_error_entry_and_the_others_are_graded()
    {
        _exercise.Submission("alice", SquaresExercise.CorrectAnswers);
        _exercise.Folder.Write("submissions/broken.ipynb", "{ not json");
        var result = KitProcess.Run(_exercise.Folder.Path, "grade", "submissions", "--solution", "solutions/squares.ipynb", "--json", "report.json", "--csv", "grades.csv");
        Assert.Equal(2, result.ExitCode);
        var reports = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_exercise.Folder["report.json"]))!.AsArray();
        Assert.Equal([6.0, 0.0], reports.Select(r => (double)r!["score"]!));
        Assert.Null((string?)reports[0]!["error"]);
        Assert.Contains("not valid JSON", (string?)reports[1]!["error"]);
        Assert.Equal("submissions/broken.ipynb,error,,,,", File.ReadAllLines(_exercise.Folder["grades.csv"])[2]);
    }

    [Fact]
    public void Grading_a_folder_writes_nothing_into_it()
    {
        _exercise.Submission("alice", SquaresExercise.CorrectAnswers);
        var before = Directory.GetFileSystemEntries(_exercise.Folder["submissions"], "*", SearchOption.AllDirectories).Order().ToArray();
        var result = KitProcess.Run(_exercise.Folder.Path, "grade", "submissions", "--solution", "solutions/squares.ipynb");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(before, Directory.GetFileSystemEntries(_exercise.Folder["submissions"], "*", SearchOption.AllDirectories).Order().ToArray());
        Assert.False(File.Exists(_exercise.Folder["grades.csv"]), "no CSV unless --csv is given");
    }
}
