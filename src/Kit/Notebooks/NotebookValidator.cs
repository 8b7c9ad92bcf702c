using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Kit.Notebooks;

/// <summary>
/// Checks the parts of the nbformat 4 schema the kit relies on, so that a broken file is
/// reported by name and problem before anything runs (and is never rewritten).
/// </summary>
internal static partial class NotebookValidator
{
    private static readonly string[] CellTypes = ["code", "markdown", "raw"];

    public static void Validate(string path, JsonObject root)
    {
        void Fail(string problem) => throw new NotebookFormatException(path, problem);

        if (Integer(root["nbformat"]) is not { } major) Fail("missing or non-integer \"nbformat\"");
        else if (major != 4) Fail($"nbformat {major} is not supported (the kit reads nbformat 4)");
        if (Integer(root["nbformat_minor"]) is not { } minor) { Fail("missing or non-integer \"nbformat_minor\""); return; }
        if (root["metadata"] is not JsonObject) Fail("missing \"metadata\" object");
        if (root["cells"] is not JsonArray cells) { Fail("missing \"cells\" array"); return; }

        var ids = new HashSet<string>();
        for (var i = 0; i < cells.Count; i++)
        {
            var where = $"cell {i + 1}";
            if (cells[i] is not JsonObject cell) { Fail($"{where} is not a JSON object"); return; }
            var type = (cell["cell_type"] as JsonValue)?.GetValueKind() == JsonValueKind.String ? (string?)cell["cell_type"] : null;
            if (type is null || !CellTypes.Contains(type)) Fail($"{where} has a missing or unknown \"cell_type\"");
            if (cell["metadata"] is not JsonObject) Fail($"{where} has no \"metadata\" object");
            if (!IsMultiline(cell["source"])) Fail($"{where} has no \"source\" (a string or a list of strings)");
            if (minor >= 5)
            {
                var id = (cell["id"] as JsonValue)?.GetValueKind() == JsonValueKind.String ? (string?)cell["id"] : null;
                if (id is null) Fail($"{where} has no \"id\" (required by nbformat 4.5)");
                else if (!IdPattern().IsMatch(id)) Fail($"{where} has an invalid id \"{id}\"");
                else if (!ids.Add(id)) Fail($"{where} repeats the id \"{id}\"");
            }
            if (type == "code")
            {
                if (cell["outputs"] is not JsonArray) Fail($"{where} (code) has no \"outputs\" list");
                if (!cell.ContainsKey("execution_count")) Fail($"{where} (code) has no \"execution_count\"");
                else if (cell["execution_count"] is not null && Integer(cell["execution_count"]) is null)
                    Fail($"{where} (code) has a non-integer \"execution_count\"");
            }
        }
    }

    private static bool IsMultiline(JsonNode? node) => node switch
    {
        JsonValue v => v.GetValueKind() == JsonValueKind.String,
        JsonArray a => a.All(x => x is JsonValue v && v.GetValueKind() == JsonValueKind.String),
        _ => false,
    };

    private static int? Integer(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) ? i : null;

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();
}
