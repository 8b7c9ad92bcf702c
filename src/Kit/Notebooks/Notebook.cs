using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kit.Notebooks;

/// <summary>
/// An nbformat 4 notebook held as a JSON tree, so that fields the kit does not know about
/// survive a load/save round trip untouched.
/// </summary>
public sealed class Notebook
{
    private readonly JsonObject _root;

    private Notebook(string path, JsonObject root)
    {
        Path = path;
        FullPath = System.IO.Path.GetFullPath(path);
        _root = root;
        Cells = root["cells"]!.AsArray().Select(c => new Cell(c!.AsObject())).ToList();
    }

    /// <summary>The path as given (for messages).</summary>
    public string Path { get; }

    /// <summary>The absolute path, fixed at load: running cells changes the current directory.</summary>
    public string FullPath { get; }
    public IReadOnlyList<Cell> Cells { get; private set; }
    public JsonObject Metadata => _root["metadata"]!.AsObject();
    public string Directory => System.IO.Path.GetDirectoryName(FullPath)!;

    /// <summary>The kernel that cells without their own language metadata belong to.</summary>
    public string DefaultKernel =>
        (string?)Metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"] ?? "csharp";

    public static Notebook Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException(path, $"cannot read the file ({e.Message})");
        }
        return Parse(path, text);
    }

    public static Notebook Parse(string path, string text)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(text); }
        catch (JsonException e) { throw new NotebookFormatException(path, $"not valid JSON ({e.Message})"); }
        if (node is not JsonObject root) throw new NotebookFormatException(path, "the top level is not a JSON object");
        NotebookValidator.Validate(path, root);
        return new Notebook(path, root);
    }

    /// <summary>Replaces the cell list (the grader's attack tests build hostile notebooks with it).</summary>
    public void SetCells(IEnumerable<Cell> cells)
    {
        var array = new JsonArray();
        foreach (var cell in cells) array.Add(cell.Json.Parent is null ? cell.Json : cell.Json.DeepClone());
        _root["cells"] = array;
        Cells = array.Select(c => new Cell(c!.AsObject())).ToList();
    }

    public Notebook Clone(string path) => new(path, _root.DeepClone().AsObject());

    /// <summary>The file text as VS Code writes it: keys sorted, one-space indent, final newline.</summary>
    public string Serialize()
    {
        var options = new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 1,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, options)) Sorted(_root)!.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Writes to a temporary file beside the target, then renames it over the target,
    /// so a crash never leaves a half-written notebook.</summary>
    public void Save(string? path = null) => WriteAtomically(path ?? FullPath, Serialize());

    public static void WriteAtomically(string path, string text)
    {
        var full = System.IO.Path.GetFullPath(path);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var temp = full + $".{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
