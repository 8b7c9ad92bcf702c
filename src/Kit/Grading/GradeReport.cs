using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kit.Grading;

/// <summary>One graded test cell. Status: passed, failed, not attempted, timed out, crashed, not run.</summary>
public sealed record TestResult(string GradeId, double Points, double MaxPoints, string Status, string Message);

/// <summary>The report of one submission (the format of <c>kit grade --json</c>, documented in src/Kit/README.md).</summary>
/// <param name="Submission">The submission's path as given (control characters removed).</param>
/// <param name="Solution">The solution it was graded against.</param>
/// <param name="Score">Points earned.</param>
/// <param name="MaxScore">Points possible.</param>
/// <param name="Tests">One entry per graded test cell, in the solution's order.</param>
/// <param name="Seconds">Time taken to grade it.</param>
/// <param name="Isolation">What separated the submission from the grader and the course, in words.</param>
/// <param name="Error">Why the submission could not be graded (then it has no tests and no score), else null.</param>
public sealed record GradeReport(
    string Submission,
    string Solution,
    double Score,
    double MaxScore,
    IReadOnlyList<TestResult> Tests,
    double Seconds,
    string Isolation = "",
    string? Error = null)
{
    /// <summary>The entry of a submission that could not be graded: it stays in the class's reports.</summary>
    public static GradeReport Failed(string submission, string? solution, string error) =>
        new(Feedback.Clean(submission), solution ?? "", 0, 0, [], 0, "", Feedback.Clean(error, 2000));

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
