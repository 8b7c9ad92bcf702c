using System.Text;
using System.Text.Json.Nodes;
using Kit.Notebooks;

namespace Kit.Scripting;

/// <summary>
/// The outputs of one running cell, in the order they happen (console text and displayed
/// values interleave as in the real kernel). Console text is capped so that a runaway
/// print loop cannot exhaust memory; what is dropped is counted and reported.
/// </summary>
public sealed class CellOutputs(long maxStreamChars)
{
    // Each entry is a JsonObject (display, result, error) or a stream being written.
    private readonly List<object> _entries = [];
    private readonly Lock _lock = new();
    private long _streamChars;
    private long _droppedChars;

    private sealed record StreamEntry(string Name, StringBuilder Text);

    public void WriteStream(string name, string text)
    {
        lock (_lock)
        {
            var room = (int)Math.Clamp(maxStreamChars - _streamChars, 0, text.Length);
            _droppedChars += text.Length - room;
            if (room == 0) return;
            _streamChars += room;
            // Consecutive writes to the same stream form one output, as in Jupyter.
            if (_entries.Count == 0 || _entries[^1] is not StreamEntry last || last.Name != name)
                _entries.Add(last = new StreamEntry(name, new StringBuilder()));
            last.Text.Append(text, 0, room);
        }
    }

    public void Add(JsonObject output)
    {
        lock (_lock) _entries.Add(output);
    }

    public IReadOnlyList<JsonObject> ToJson()
    {
        lock (_lock)
        {
            var result = _entries.Select(e => e switch
            {
                StreamEntry s => Outputs.Stream(s.Name, s.Text.ToString()),
                JsonObject o => o.DeepClone().AsObject(),
                _ => throw new InvalidOperationException(),
            }).ToList();
            if (_droppedChars > 0)
                result.Add(Outputs.Stream("stderr", $"\n[kit: output truncated, {_droppedChars:N0} more characters dropped]\n"));
            return result;
        }
    }
}
