using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kit.Grading;

/// <summary>One graded test cell. Status: passed, failed, not attempted, timed out, crashed, not run.</summary>
public sealed record TestResult(string GradeId, double Points, double MaxPoints, string Status, string Message);

/// <summary>The report of one submission (Isolation: what separated it from the grader and the course, in words) (the format of <c>kit grade --json</c>, documented in src/Kit/README.md).</summary>
public sealed record GradeReport(
    string Submission,
    string Solution,
    double Score,
    double MaxScore,
    IReadOnlyList<TestResult> Tests,
    double Seconds,
    string Isolation = "")
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
