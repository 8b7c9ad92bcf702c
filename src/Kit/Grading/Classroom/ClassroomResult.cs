using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kit.Grading;

/// <summary>
/// The result format of GitHub Classroom's autograding runners, which its grading reporter
/// (<c>classroom-resources/autograding-grading-reporter</c>) reads from each runner's <c>result</c>
/// output: base64 of a JSON object with version, status (pass/fail/error), max_score and tests
/// (name, status, score, message).
/// </summary>
public static class ClassroomResult
{
    public sealed record Test(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("score")] double Score,
        [property: JsonPropertyName("message")] string Message);

    public sealed record Result(
        [property: JsonPropertyName("version")] int Version,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("max_score")] double MaxScore,
        [property: JsonPropertyName("tests")] IReadOnlyList<Test> Tests);

    public static Result From(IReadOnlyList<GradeReport> reports, int ungraded)
    {
        var tests = reports.SelectMany(r => r.Tests.Select(t => new Test(
            reports.Count > 1 ? $"{Path.GetFileNameWithoutExtension(r.Submission)}: {t.GradeId}" : t.GradeId,
            t.Status == "passed" ? "pass" : "fail", t.Points, t.Status == "passed" ? "" : $"{t.Status}: {t.Message}"))).ToList();
        var status = ungraded > 0 || reports.Count == 0 ? "error" : tests.All(t => t.Status == "pass") ? "pass" : "fail";
        return new Result(1, status, reports.Sum(r => r.MaxScore), tests);
    }

    public static string Encode(IReadOnlyList<GradeReport> reports, int ungraded) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(From(reports, ungraded))));
}
