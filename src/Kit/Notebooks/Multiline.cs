using System.Text.Json.Nodes;

namespace Kit.Notebooks;

/// <summary>nbformat's "multiline string": one string, or a list of lines that each keep their "\n".</summary>
public static class Multiline
{
    public static string Read(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue value => (string?)value ?? "",
        _ => "",
    };

    public static JsonArray Write(string text)
    {
        var array = new JsonArray();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            array.Add(text[start..end]);
            start = end;
        }
        return array;
    }
}
