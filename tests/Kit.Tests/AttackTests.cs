using Kit.Grading;
using Kit.Grading.Policy;
using Kit.Notebooks;
using Kit.Tests.Support;

namespace Kit.Tests;

/// <summary>
/// Submissions that try to get points without the work (issue 14). Each one answers Cube
/// wrongly (honest value: 3 of 6 points, test_cube failed) and attacks the grader; none may
/// raise its score, leak hidden material, or disturb the grading of others.
/// </summary>
public sealed class AttackTests : IDisposable
{
    private const string WrongCube = "static double Cube(double x) => x * x;";
    private readonly SquaresExercise _exercise = new();

    public void Dispose() => _exercise.Dispose();

    private GradeReport Attack(string name, string cube, GradeOptions? options = null) =>
        _exercise.Grade(_exercise.CorrectExcept(name, "cube", cube), options: options);

    /// <summary>The honest value of a wrong Cube: Square and SumTo pass, Cube earns nothing.</summary>
    private static void AssertHonest(GradeReport report)
    {
        var cube = Assert.Single(report.Tests, t => t.GradeId == "test_cube");
        Assert.True(cube.Points == 0, $"test_cube: {cube.Status} {cube.Points}: {cube.Message}");
        Assert.True(report.Score <= 3, $"score {report.Score}: {string.Join("; ", report.Tests.Select(t => $"{t.GradeId} {t.Status}"))}");
        AssertNoLeak(report);
    }

    private static void AssertNoLeak(GradeReport report)
    {
        foreach (var t in report.Tests)
        {
            Assert.DoesNotContain("HIDDEN", t.Message);
            Assert.DoesNotContain("Cube(-1)", t.Message);
            Assert.DoesNotContain("Square(-2)", t.Message);
            Assert.DoesNotContain(KitSecret, t.Message);
            Assert.False(t.Message.Any(char.IsControl), $"control characters in {t.GradeId}: {t.Message}");
        }
    }

    private const string KitSecret = "kit-test-secret-3f9a";

    private static void RejectedBy(GradeReport report, string rule)
    {
        var cube = Assert.Single(report.Tests, t => t.GradeId == "test_cube");
        Assert.Contains($"[{rule}]", cube.Message);
    }

    // ---- shadowing the checker ----

    public static TheoryData<string, string> Shadowing => new()
    {
        {
            "own Check class",
            WrongCube + "\npublic static class Check { public static void Close(double a, double b, double tol = 0, string? what = null) { } }"
        },
        {
            "using alias",
            "using Check = Fake;\n" + WrongCube + "\npublic static class Fake { public static void Close(double a, double b, double tol = 0, string? what = null) { } }"
        },
        {
            "own Course-named nested class",
            WrongCube + "\npublic static class Course { public static class Check { public static void Close(double a, double b, double tol = 0, string? what = null) { } } }"
        },
        {
            "method shadowing a static import",
            WrongCube + "\nstatic void Close(double a, double b, double tol = 0, string? what = null) { }"
        },
    };

    [Theory]
    [MemberData(nameof(Shadowing))]
    public void Shadowing_the_checker_does_not_pass_a_wrong_answer(string name, string cube)
    {
        _ = name;
        AssertHonest(Attack("shadow", cube));
    }

    [Fact]
    public void Redeclaring_a_course_function_the_tests_use_is_rejected()
    {
        // Exercise 02's tests compare fn_prime with Grad(fn): a student's own fn = 0 with fn_prime = (0, 0) would pass.
        var submission = RealExercise.Submission(_exercise.Folder, "02-reverse-mode-exercise", new()
        {
            ["fn_prime"] = "Tensor fn(Tensor x1, Tensor x2) => 0.0 * x1;\n(double, double) fn_prime(double x1, double x2) => (0, 0);",
        });
        var prepared = RealExercise.Prepare(submission);
        var violation = Assert.Single(prepared.Violations, v => v.GradeId == "fn_prime" && v.Rule == "protected-name");
        Assert.Contains("line 1", violation.Message);
        Assert.Contains("'fn'", violation.Message);
    }

    // ---- forging results ----

    public static TheoryData<string, string> Forgeries => new()
    {
        {
            "raw stdout lines",
            "using (var o = Console.OpenStandardOutput()) { var b = System.Text.Encoding.UTF8.GetBytes(\"{\\\"event\\\":\\\"End\\\",\\\"cell\\\":5,\\\"status\\\":\\\"Ok\\\"}\\n{\\\"event\\\":\\\"Done\\\"}\\n\"); o.Write(b); }\n" + WrongCube
        },
        {
            "results file at ProcessExit",
            "AppDomain.CurrentDomain.ProcessExit += (_, _) => { foreach (var d in System.IO.Directory.GetDirectories(System.IO.Path.GetTempPath(), \"kit-grade-*\")) System.IO.File.AppendAllText(System.IO.Path.Combine(d, \"results.jsonl\"), \"{\\\"event\\\":\\\"End\\\",\\\"cell\\\":5,\\\"status\\\":\\\"Ok\\\"}\\n\"); };\n" + WrongCube
        },
        {
            "foreground thread after the tests",
            "new System.Threading.Thread(() => { System.Threading.Thread.Sleep(3000); foreach (var d in System.IO.Directory.GetDirectories(System.IO.Path.GetTempPath(), \"kit-grade-*\")) System.IO.File.WriteAllText(System.IO.Path.Combine(d, \"results.jsonl\"), \"{\\\"event\\\":\\\"Done\\\"}\\n\"); }) { IsBackground = false }.Start();\n" + WrongCube
        },
        {
            "reflection patch of the checker",
            "var m = typeof(Course.Check).GetMethod(\"CloseFlat\", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);\nSystem.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(m!.MethodHandle);\n" + WrongCube
        },
        {
            "unsafe patch of the checker",
            "unsafe { var p = (byte*)typeof(Course.Check).GetMethod(\"True\")!.MethodHandle.GetFunctionPointer(); *p = 0xC3; }\n" + WrongCube
        },
        {
            "dynamic reflection",
            "dynamic t = typeof(Course.Check); t.GetMethod(\"True\");\n" + WrongCube
        },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public void Forging_results_does_not_pass_a_wrong_answer(string name, string cube)
    {
        _ = name;
        AssertHonest(Attack("forge", cube));
    }

    [Fact]
    public void Even_without_the_answer_policy_raw_stdout_forgery_does_not_count()
    {
        // Defence in depth: the channel carries a per-run secret the submission cannot read.
        var forged = "foreach (var cell in new[] { 4, 5, 6, 7 }) { var o = Console.OpenStandardOutput(); var b = System.Text.Encoding.UTF8.GetBytes($\"{{\\\"event\\\":\\\"End\\\",\\\"cell\\\":{cell},\\\"status\\\":\\\"Ok\\\"}}\\n\"); o.Write(b); o.Flush(); }\n" + WrongCube;
        AssertHonest(Attack("forge-no-policy", forged, new GradeOptions(Policy: false)));
    }

    // ---- reading what must stay hidden ----

    [Fact]
    public void Reading_the_solution_or_environment_is_rejected_and_leaks_nothing()
    {
        Environment.SetEnvironmentVariable("KIT_TEST_SECRET", KitSecret);
        var report = Attack("read", "throw new Exception(System.IO.File.ReadAllText(\"squares.ipynb\") + Environment.GetEnvironmentVariable(\"KIT_TEST_SECRET\"));\n" + WrongCube);
        AssertHonest(report);
        RejectedBy(report, "files");
    }

    [Fact]
    public void Inside_the_sandbox_the_solution_and_environment_are_out_of_reach()
    {
        if (!Sandbox.IsAvailable) return; // CI installs bubblewrap; tested there
        Environment.SetEnvironmentVariable("KIT_TEST_SECRET", KitSecret);
        var report = Attack("read-sandboxed",
            "var leak = (System.IO.File.Exists(\"squares.ipynb\") ? System.IO.File.ReadAllText(\"squares.ipynb\") : \"\") + Environment.GetEnvironmentVariable(\"KIT_TEST_SECRET\");\n" +
            "static double Cube(double x) => x * x;\nthrow new Exception(\"leak: \" + leak);",
            new GradeOptions(Policy: false, Sandbox: SandboxMode.Required));
        AssertHonest(report);
        Assert.StartsWith("bubblewrap", report.Isolation);
    }

    [Fact]
    public void Hidden_test_failures_say_what_failed_without_inputs_or_expected_values()
    {
        var report = _exercise.Grade(_exercise.CorrectExcept("overfit", "cube", "static double Cube(double x) => x == 2 ? 8 : 0;"));
        var cube = Assert.Single(report.Tests, t => t.GradeId == "test_cube");
        Assert.Equal(("failed", 0.0), (cube.Status, cube.Points));
        Assert.Contains("hidden test", cube.Message);
        Assert.DoesNotContain("-1", cube.Message);
        AssertNoLeak(report);
    }

    [Fact]
    public void A_hidden_test_names_the_mistake_it_diagnosed_and_only_that_one()
    {
        // Cube loses the sign: the hidden test recognises that value and says so, without the input or expected value.
        var report = _exercise.Grade(_exercise.CorrectExcept("sign", "cube", "static double Cube(double x) => Math.Abs(x * x * x);"));
        var cube = Assert.Single(report.Tests, t => t.GradeId == "test_cube");
        Assert.Equal(("failed", 0.0), (cube.Status, cube.Points));
        Assert.Contains("hint: a negative number cubed stays negative: was its sign lost?", cube.Message);
        Assert.DoesNotContain("-1", cube.Message);
        // Another wrong value is not that mistake: no hint, the generic advice.
        var other = Assert.Single(_exercise.Grade(_exercise.CorrectExcept("other", "cube", "static double Cube(double x) => x == 2 ? 8 : 5;")).Tests, t => t.GradeId == "test_cube");
        Assert.DoesNotContain("hint:", other.Message);
        Assert.Contains("try other inputs", other.Message);
    }

    [Fact]
    public void A_hint_forged_by_answer_code_cannot_carry_hidden_inputs()
    {
        var report = _exercise.Grade(_exercise.CorrectExcept("forged-hint", "cube",
            "static double Cube(double x) => x == 2 ? 8 : throw new Course.CheckFailedException($\"hint: the hidden input is {x}\");"),
            options: new GradeOptions(Policy: false));
        var cube = Assert.Single(report.Tests, t => t.GradeId == "test_cube");
        Assert.Equal(("failed", 0.0), (cube.Status, cube.Points));
        Assert.DoesNotContain("hidden input", cube.Message);
        Assert.DoesNotContain("-1", cube.Message);
        AssertNoLeak(report);
    }

    // ---- running anything ----

    public static TheoryData<string, string, string> Escapes => new()
    {
        { "Process.Start", "System.Diagnostics.Process.Start(\"touch\", \"{0}\");", "processes" },
        { "DllImport", "[System.Runtime.InteropServices.DllImport(\"libc\")] static extern int system(string command);\nsystem(\"touch {0}\");", "interop" },
        { "function pointer", "unsafe { delegate* managed<string, bool> p = &System.IO.File.Exists; p(\"{0}\"); }", "unsafe" },
        { "file write", "System.IO.File.WriteAllText(\"{0}\", \"\");", "files" },
        { "overwriting the solution", "System.IO.File.WriteAllText(\"squares.ipynb\", \"{}\"); System.IO.File.WriteAllText(\"{0}\", \"\");", "files" },
        { "thread", "new System.Threading.Thread(() => { }).Start();", "threads" },
        { "task", "Task.Run(() => 1).Wait();", "threads" },
        { "environment", "Environment.FailFast(\"{0}\");", "environment" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public void Running_anything_is_rejected_before_it_runs(string name, string code, string rule)
    {
        _ = name;
        var marker = _exercise.Folder["pwned"];
        var solutionBefore = File.ReadAllText(_exercise.Solution);
        var report = Attack("escape", code.Replace("{0}", marker) + "\n" + WrongCube);
        AssertHonest(report);
        RejectedBy(report, rule);
        Assert.False(File.Exists(marker));
        Assert.Equal(solutionBefore, File.ReadAllText(_exercise.Solution));
    }

    [Fact]
    public void Without_the_policy_the_sandbox_keeps_files_processes_and_the_network_out_of_reach()
    {
        if (!Sandbox.IsAvailable) return; // CI installs bubblewrap; tested there
        var marker = _exercise.Folder["pwned"];
        var solutionBefore = File.ReadAllText(_exercise.Solution);
        var code = $$"""
            try { System.IO.File.WriteAllText("squares.ipynb", "{}"); } catch (Exception) { }
            try { System.IO.File.WriteAllText("{{marker}}", ""); } catch (Exception) { }
            try { System.Diagnostics.Process.Start("sleep", "600"); } catch (Exception) { }
            try { new System.Net.Sockets.TcpClient().Connect("127.0.0.1", 1); } catch (Exception) { }
            """;
        var report = Attack("escape-sandboxed", code + "\n" + WrongCube, new GradeOptions(Policy: false, Sandbox: SandboxMode.Required));
        AssertHonest(report);
        Assert.False(File.Exists(marker));
        Assert.Equal(solutionBefore, File.ReadAllText(_exercise.Solution));
        Assert.DoesNotContain(System.Diagnostics.Process.GetProcessesByName("sleep"), p => p.StartTime > DateTime.Now.AddMinutes(-5) && SafeCommandLine(p).Contains("600"));
    }

    private static string SafeCommandLine(System.Diagnostics.Process p)
    {
        try { return File.ReadAllText($"/proc/{p.Id}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
    }

    // ---- attacking the grader ----

    public static TheoryData<string, string> GraderAttacks => new()
    {
        { "garbage on stdout", "var o = Console.OpenStandardOutput(); var junk = new byte[1 << 20]; new Random(1).NextBytes(junk); o.Write(junk); o.Flush();" },
        { "stop itself", "[System.Runtime.InteropServices.DllImport(\"libc\")] static extern int kill(int pid, int sig);\nkill(Environment.ProcessId, 19);" },
        { "kill the parent", "[System.Runtime.InteropServices.DllImport(\"libc\")] static extern int getppid();\n[System.Runtime.InteropServices.DllImport(\"libc\")] static extern int kill(int pid, int sig);\nkill(getppid(), 19); kill(getppid(), 9);" },
        { "early exit", "Environment.Exit(0);" },
        { "closing stdout", "Console.OpenStandardOutput().Dispose(); System.Runtime.InteropServices.Marshal.ReadInt32(IntPtr.Zero);" },
    };

    /// <summary>With the policy off (it would reject all of these), the worker does its worst; the grader
    /// still reports every test and the other answers keep their points.</summary>
    [Theory]
    [MemberData(nameof(GraderAttacks))]
    public void The_grader_survives_a_hostile_worker(string name, string code)
    {
        _ = name;
        if (name == "kill the parent" && !Sandbox.IsAvailable) return; // outside a pid namespace it would stop this test process
        var report = Attack("hostile", code + "\n" + WrongCube,
            new GradeOptions(Policy: false, Sandbox: name == "kill the parent" ? SandboxMode.Required : SandboxMode.Auto));
        AssertHonest(report);
        Assert.Equal(3, report.Tests.Count);
        Assert.Equal(2, report.Tests.Single(t => t.GradeId == "test_square").Points);
    }

    // ---- smuggling code ----

    public static TheoryData<string, string> Smuggling => new()
    {
        { "#load", "#load \"evil.csx\"" },
        { "#r dll", "#r \"System.Diagnostics.Process\"" },
        { "#r nuget", "#r \"nuget: Newtonsoft.Json, 13.0.1\"" },
        { "magic", "#!whos" },
    };

    [Theory]
    [MemberData(nameof(Smuggling))]
    public void Directives_in_answer_cells_are_rejected(string name, string directive)
    {
        _ = name;
        _exercise.Folder.Write("submissions/evil.csx", "public static class Check { public static void Close(double a, double b, double tol = 0, string? what = null) { } }");
        var report = Attack("smuggle", directive + "\n" + WrongCube);
        AssertHonest(report);
        RejectedBy(report, "directives");
    }

    [Fact]
    public void A_test_cell_marked_as_an_answer_in_the_submission_still_runs_from_the_solution()
    {
        var path = _exercise.CorrectExcept("relabel", "cube", WrongCube);
        var notebook = Notebook.Load(path);
        var test = notebook.Cells.Single(c => Nbgrader.Of(c)?.GradeId == "test_cube");
        test.Nbgrader!["solution"] = true;
        test.Nbgrader!["points"] = 100;
        test.Source = "// trust me";
        notebook.Save();
        var report = _exercise.Grade(path);
        AssertHonest(report);
        Assert.Equal(6, report.MaxScore);
    }

    [Fact]
    public void Extra_cells_of_the_submission_do_not_run()
    {
        var path = _exercise.CorrectExcept("extra", "cube", "static double Cube(double x) => throw new NotImplementedException();");
        var notebook = Notebook.Load(path);
        var cells = notebook.Cells.ToList();
        var extra = new Cell(System.Text.Json.Nodes.JsonNode.Parse(Nb.Code("static double Cube(double x) => x * x * x;").ToJsonString())!.AsObject());
        cells.Insert(cells.FindIndex(c => Nbgrader.Of(c)?.GradeId == "test_cube"), extra);
        notebook.SetCells(cells);
        notebook.Save();
        var cube = _exercise.Grade(path).Tests.Single(t => t.GradeId == "test_cube");
        Assert.Equal("not attempted", cube.Status);
    }

    // ---- output ----

    [Fact]
    public void Terminal_escapes_never_reach_the_reports()
    {
        var report = Attack("escapes", "static double Cube(double x) => throw new Exception(\"\\u001b[2J\\u001b]0;pwned\\u0007 wrong\\r\\n\");");
        AssertHonest(report);
        Assert.Contains("[2J", report.Tests.Single(t => t.GradeId == "test_cube").Message);
    }
}

/// <summary>The policy rules of the course's own exercises (issue 14): what their text forbids is rejected.</summary>
public sealed class ExercisePolicyTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, string, string, string> Forbidden => new()
    {
        { "02-reverse-mode-exercise", "fn_prime", "(double, double) fn_prime(double x1, double x2)\n{\n    var (a, b) = Grad(fn, argnums: (0, 1))(x1, x2);\n    return (a.Item, b.Item);\n}", "line 3" },
        { "02-reverse-mode-exercise", "h_prime", "(double, double) h_prime(double x1, double x2) => (Ad.Grad(h)(x1).Item, 0);", "line 1" },
        { "03-hessians-exercise", "hand_hessian", "double[,] HandHessianG(double x0, double x1) => Hessian(G)(Array(x0, x1)).ToArray2D();", "line 1" },
        { "03-hessians-exercise", "my_hessian", "Func<Tensor, Tensor> MyHessian(Func<Tensor, Tensor> f) => Hessian(f);", "line 1" },
        { "03-hessians-exercise", "my_hvp", "Tensor MyHvp(Func<Tensor, Tensor> f, Tensor x, Tensor v) =>\n    Hvp(f, x, v);", "line 2" },
        { "04-jacfwd-jacrev-timing-exercise", "orderings", "static Func<Tensor, Tensor> FwdFwd(Func<Tensor, Tensor> h) => Hessian(h);\nstatic Func<Tensor, Tensor> RevRev(Func<Tensor, Tensor> h) => JacRev(JacRev(h));\nstatic Func<Tensor, Tensor> RevFwd(Func<Tensor, Tensor> h) => JacRev(JacFwd(h));\nstatic Func<Tensor, Tensor> FwdRev(Func<Tensor, Tensor> h) => JacFwd(JacRev(h));", "line 1" },
        { "06-jax-hessian-api-exercise", "shape_rule", "int[] PredictedShape(int output, string first, string second) =>\n    ((Tensor)Hessian(energy)(p0)[output][first][second]).Shape;", "line 2" },
        { "07-build-your-own-reverse-mode-exercise", "backward", "List<Value> TopologicalOrder(Value root) => [];\nvoid Backward(Value root) { }\ndouble Cheat(Func<Tensor, Tensor> f, Tensor x) => Ad.Grad(f)(x).Item;", "line 3" },
        { "05-gaussian-cauchy-exercise", "se", "double[] StandardErrors(Func<Tensor, Tensor> nll, double[] pHat) => LinAlg.StandardErrors(Hessian(nll)(Array(pHat)).ToArray2D());", "line 1" },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void What_the_exercise_forbids_is_rejected_naming_the_line(string exercise, string gradeId, string answer, string line)
    {
        var prepared = RealExercise.Prepare(RealExercise.Submission(_folder, exercise, new() { [gradeId] = answer }));
        var first = prepared.Violations.First(v => v.GradeId == gradeId);
        Assert.StartsWith(line + ":", first.Message);
        Assert.Equal("exercise", first.Rule);
    }

    [Theory]
    [InlineData("01-forward-mode-exercise")]
    [InlineData("02-reverse-mode-exercise")]
    [InlineData("03-hessians-exercise")]
    [InlineData("04-jacfwd-jacrev-timing-exercise")]
    [InlineData("05-gaussian-cauchy-exercise")]
    [InlineData("06-jax-hessian-api-exercise")]
    [InlineData("07-build-your-own-reverse-mode-exercise")]
    public void The_reference_solutions_break_no_rule(string exercise)
    {
        var prepared = RealExercise.Prepare(Repository.Combine($"solutions/{exercise}.ipynb"));
        Assert.Empty(prepared.Violations);
    }

    [Fact]
    public void Hand_written_answers_are_allowed()
    {
        var prepared = RealExercise.Prepare(RealExercise.Submission(_folder, "02-reverse-mode-exercise", new()
        {
            ["fn_prime"] = "(double, double) fn_prime(double x1, double x2)\n{\n    var list = new List<double> { x1, x2 }.Select(Math.Exp).ToArray();\n    var sb = new System.Text.StringBuilder();\n    var clock = System.Diagnostics.Stopwatch.StartNew();\n    Console.WriteLine(list.Length); Console.Write(clock.Elapsed);\n    return (list[0], list.Sum());\n}",
        }));
        Assert.Empty(prepared.Violations);
    }

    [Theory]
    [InlineData("var line = Console.ReadLine();", "console")]
    [InlineData("Console.SetOut(Console.Error);", "console")]
    [InlineData("var t = typeof(string).Assembly;", "reflection")]
    [InlineData("Func<int> f = () => 1; var m = f.Method;", "reflection")]
    [InlineData("var x = new System.Net.Http.HttpClient();", "network")]
    [InlineData("var q = System.Linq.Expressions.Expression.Constant(1);", "reflection")]
    public void The_default_policy_names_the_rule(string code, string rule)
    {
        var prepared = RealExercise.Prepare(RealExercise.Submission(_folder, "02-reverse-mode-exercise", new()
        {
            ["fn_prime"] = code + "\n(double, double) fn_prime(double x1, double x2) => (x1, x2);",
        }));
        var first = prepared.Violations.First(v => v.GradeId == "fn_prime");
        Assert.Equal((1, rule), (first.Line, first.Rule));
    }

    [Fact]
    public void A_huge_answer_cell_is_rejected_without_compiling_it()
    {
        var prepared = RealExercise.Prepare(RealExercise.Submission(_folder, "02-reverse-mode-exercise", new()
        {
            ["fn_prime"] = "// " + new string('x', Grader.MaxAnswerChars) + "\n(double, double) fn_prime(double x1, double x2) => (x1, x2);",
        }));
        Assert.Equal("size", Assert.Single(prepared.Violations).Rule);
    }

    [Fact]
    public void Changing_a_course_variable_the_tests_read_is_rejected()
    {
        var prepared = RealExercise.Prepare(RealExercise.Submission(_folder, "05-gaussian-cauchy-exercise", new()
        {
            ["nll"] = "Tensor CauchyNll(Tensor p, Tensor obs, double g) => Sum(p);\nobserved = Model(truth);",
        }));
        var violation = Assert.Single(prepared.Violations);
        Assert.Equal((2, "protected-name"), (violation.Line, violation.Rule));
        Assert.Contains("'observed'", violation.Message);
    }
}

/// <summary>Submissions built from the repository's own exercises (the solutions' folder holds the references).</summary>
internal static class RealExercise
{
    public static string Submission(TempFolder folder, string exercise, Dictionary<string, string> answers)
    {
        var notebook = Notebook.Load(Repository.Combine($"exercises/{exercise}.ipynb"));
        foreach (var cell in notebook.Cells)
            if (Nbgrader.Of(cell)?.GradeId is { } id && answers.TryGetValue(id, out var code)) cell.Source = code;
        var path = folder[$"{exercise}.ipynb"];
        notebook.Save(path);
        return path;
    }

    public static PreparedSubmission Prepare(string submission) =>
        new Grader(SquaresExercise.Limits()).Prepare(submission, SolutionFinder.Find(submission, Repository.Combine("solutions")));
}
