using System.Text.Json.Nodes;

namespace Kit.Notebooks;

/// <summary>A view over one cell's JSON object.</summary>
public sealed class Cell(JsonObject json)
{
    public JsonObject Json { get; } = json;
    public string Type => (string)Json["cell_type"]!;
    public bool IsCode => Type == "code";
    public string? Id => (string?)Json["id"];
    public JsonObject Metadata => Json["metadata"]!.AsObject();

    public string Source
    {
        get => Multiline.Read(Json["source"]);
        set => Json["source"] = Multiline.Write(value);
    }

    public IReadOnlyList<string> Tags =>
        Metadata["tags"] is JsonArray tags ? tags.Select(t => (string?)t ?? "").ToList() : [];

    /// <summary>The .NET Interactive kernel this cell runs in (VS Code Polyglot metadata).</summary>
    public string Kernel(string notebookDefault) =>
        (string?)Metadata["polyglot_notebook"]?["kernelName"]
        ?? (string?)Metadata["dotnet_interactive"]?["language"]
        ?? notebookDefault;

    public JsonObject? Nbgrader => Metadata["nbgrader"] as JsonObject;

    public void SetOutputs(IEnumerable<JsonObject> outputs, int? executionCount)
    {
        Json["outputs"] = new JsonArray(outputs.Cast<JsonNode>().ToArray());
        Json["execution_count"] = executionCount;
    }

    public void ClearOutputs() => SetOutputs([], null);

    public override string ToString() => Id is null ? Type : $"{Type} {Id}";
}
