using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Kit.Notebooks;

/// <summary>A cell's <c>metadata.nbgrader</c> (nbgrader schema version 3).</summary>
public sealed partial record Nbgrader(string GradeId, bool Grade, bool Solution, bool Locked, double Points)
{
    /// <summary>A graded test cell: its outcome earns points. (Graded answer cells would need a human.)</summary>
    public bool IsTest => Grade && !Solution;

    public static Nbgrader? Of(Cell cell)
    {
        if (cell.Nbgrader is not { } n) return null;
        return new Nbgrader((string?)n["grade_id"] ?? "", Flag(n, "grade"), Flag(n, "solution"), Flag(n, "locked"), Number(n["points"]) ?? 0);
    }

    /// <summary>Checks every cell's nbgrader metadata; errors name the file and the cell.</summary>
    public static void Validate(Notebook notebook)
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < notebook.Cells.Count; i++)
        {
            var cell = notebook.Cells[i];
            if (cell.Nbgrader is not { } n) continue;
            void Fail(string problem) => throw new NotebookFormatException(notebook.Path, $"cell {i + 1}: nbgrader metadata {problem}");
            if (Number(n["schema_version"]) != 3) Fail("needs \"schema_version\": 3");
            var id = (string?)n["grade_id"];
            if (id is null || !GradeIdPattern().IsMatch(id)) Fail("needs a \"grade_id\" of letters, digits, '_' or '-'");
            else if (!ids.Add(id)) Fail($"repeats grade_id \"{id}\"");
            if (Flag(n, "grade") && Number(n["points"]) is not >= 0) Fail("of a graded cell needs \"points\" >= 0");
        }
    }

    private static bool Flag(JsonObject n, string name) =>
        n[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex GradeIdPattern();
}
