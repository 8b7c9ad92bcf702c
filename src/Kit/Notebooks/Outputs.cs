using System.Text.Json.Nodes;

namespace Kit.Notebooks;

/// <summary>Builds output objects in the shape nbformat 4 (and the .NET Interactive kernel) uses.</summary>
public static class Outputs
{
    public static JsonObject Stream(string name, string text) => new()
    {
        ["name"] = name,
        ["output_type"] = "stream",
        ["text"] = Multiline.Write(text),
    };

    public static JsonObject DisplayData(IReadOnlyDictionary<string, string> data) => new()
    {
        ["data"] = Data(data),
        ["metadata"] = new JsonObject(),
        ["output_type"] = "display_data",
    };

    public static JsonObject ExecuteResult(IReadOnlyDictionary<string, string> data, int executionCount) => new()
    {
        ["data"] = Data(data),
        ["execution_count"] = executionCount,
        ["metadata"] = new JsonObject(),
        ["output_type"] = "execute_result",
    };

    public static JsonObject Error(string ename, string evalue, IEnumerable<string> traceback) => new()
    {
        ["ename"] = ename,
        ["evalue"] = evalue,
        ["output_type"] = "error",
        ["traceback"] = new JsonArray(traceback.Select(l => (JsonNode)l).ToArray()),
    };

    private static JsonObject Data(IReadOnlyDictionary<string, string> data) =>
        new(data.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Multiline.Write(p.Value))));
}
