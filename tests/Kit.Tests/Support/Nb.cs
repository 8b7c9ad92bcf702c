using System.Text.Json.Nodes;
using Kit.Notebooks;

namespace Kit.Tests.Support;

/// <summary>Builds small notebooks in the shape VS Code Polyglot writes (nbformat 4.5).</summary>
public static class Nb
{
    private static int _ids;

    public static JsonObject Code(string source, string language = "csharp", params string[] tags)
    {
        var metadata = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = language },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = language },
        };
        if (tags.Length > 0) metadata["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray());
        return new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = $"cell-{Interlocked.Increment(ref _ids)}",
            ["metadata"] = metadata,
            ["outputs"] = new JsonArray(),
            ["source"] = Multiline.Write(source),
        };
    }

    public static JsonObject Markdown(string source) => new()
    {
        ["cell_type"] = "markdown",
        ["id"] = $"cell-{Interlocked.Increment(ref _ids)}",
        ["metadata"] = new JsonObject(),
        ["source"] = Multiline.Write(source),
    };

    public static string Notebook(params JsonObject[] cells) => new JsonObject
    {
        ["cells"] = new JsonArray(cells.Cast<JsonNode>().ToArray()),
        ["metadata"] = JsonNode.Parse("""
            {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
             "language_info": {"name": "polyglot-notebook"},
             "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"aliases": [], "name": "csharp"}]}}}
            """),
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
    }.ToJsonString();

    /// <summary>The outputs of the n-th code cell (1-based) of a notebook file.</summary>
    public static JsonArray OutputsOf(string path, int codeCell) =>
        Kit.Notebooks.Notebook.Load(path).Cells.Where(c => c.IsCode).ElementAt(codeCell - 1).Json["outputs"]!.AsArray();

    public static string Text(JsonNode output, string mime = "text/plain") =>
        Multiline.Read(output["data"]?[mime] ?? output["text"]);
}
