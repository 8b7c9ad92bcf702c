using System.Text;

namespace Kit.Exporting;

/// <summary>
/// The parts of a file-based app collected cell by cell, written out in the order C# requires:
/// <c>#:</c> directives, usings, top-level statements, then type declarations.
/// </summary>
public sealed class LessonFile
{
    // Notebooks are compiled like the kernel compiles cells: its default usings instead of the
    // SDK's implicit ones, nullable annotations off, and warnings (an unused local function,
    // say) reported but not fatal. The repository pins package versions centrally; a lesson
    // names its own (#:package Name@Version), which central management would reject. Lessons
    // are run, never published: no native AOT (its trimming analysis warns about the packages they use).
    private static readonly string[] Properties =
        ["ImplicitUsings=disable", "Nullable=disable", "TreatWarningsAsErrors=false", "ManagePackageVersionsCentrally=false", "PublishAot=false"];

    private readonly List<string> _projects = [];
    private readonly Dictionary<string, string> _packages = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _usings = [.. Scripting.ScriptKernel.DefaultUsings.Select(u => $"using {u};"), "using static Course.Lessons.LessonDisplay;"];
    private readonly StringBuilder _body = new();
    private readonly List<string> _types = [];

    public void AddProject(string relativePath)
    {
        if (!_projects.Contains(relativePath)) _projects.Add(relativePath);
    }

    public void AddPackage(string name, string version) => _packages.TryAdd(name, version);

    public void AddUsings(IEnumerable<string> usings) => _usings.AddRange(usings.Where(u => !_usings.Contains(u)));

    public void AddTypes(IEnumerable<string> types) => _types.AddRange(types);

    /// <summary>Appends text as <c>//</c> comment lines (Markdown cells, notes).</summary>
    public void AddComment(string text)
    {
        foreach (var line in text.TrimEnd().Split('\n')) _body.Append(line.TrimEnd() is "" ? "//" : "// " + line.TrimEnd()).Append('\n');
        _body.Append('\n');
    }

    public void AddCode(string code)
    {
        if (!string.IsNullOrWhiteSpace(code)) _body.Append(code.Trim('\n', '\r')).Append("\n\n");
    }

    public string Render(string header)
    {
        var text = new StringBuilder();
        foreach (var line in header.TrimEnd().Split('\n')) text.Append("// ").Append(line).Append('\n');
        text.Append('\n');
        foreach (var project in _projects) text.Append($"#:project {project}\n");
        foreach (var (name, version) in _packages) text.Append($"#:package {name}@{version}\n");
        foreach (var property in Properties) text.Append($"#:property {property}\n");
        text.Append('\n');
        foreach (var line in _usings) text.Append(line).Append('\n');
        text.Append('\n').Append(_body);
        if (_types.Count > 0)
        {
            text.Append("// ---- Types declared in the notebook's cells: C# wants them after the top-level statements.\n\n");
            foreach (var type in _types) text.Append(type).Append("\n\n");
        }
        return text.ToString();
    }
}
