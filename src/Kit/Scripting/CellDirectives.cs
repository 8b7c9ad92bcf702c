using System.Text.RegularExpressions;

namespace Kit.Scripting;

/// <summary>
/// The kernel-level lines of a cell, which Roslyn never sees: a kernel selector
/// (<c>#!csharp</c>), <c>#!time</c> and <c>#r "nuget: ..."</c>. They are replaced by blank
/// lines so compiler line numbers still match the cell. <c>#r "file"</c> and <c>#load</c> stay:
/// Roslyn handles them.
/// </summary>
public sealed partial record CellDirectives(string Code, string? Kernel, bool Time, IReadOnlyList<(string Name, string? Version)> Packages)
{
    private static readonly string[] CSharpNames = ["csharp", "c#"];

    // Kernel selectors of the other .NET Interactive kernels: such cells are skipped, not errors.
    private static readonly string[] OtherKernels =
        ["fsharp", "f#", "pwsh", "powershell", "javascript", "js", "html", "markdown", "md", "mermaid", "sql", "kql", "value", "http"];

    public bool IsCSharp => Kernel is null || IsCSharpKernel(Kernel);

    public static bool IsCSharpKernel(string name) => CSharpNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    public static CellDirectives Parse(string source)
    {
        var lines = source.Split('\n');
        string? kernel = null;
        var time = false;
        var packages = new List<(string, string?)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r', ' ', '\t');
            if (line.StartsWith("#!"))
            {
                var magic = line[2..].Trim();
                if (magic == "time") time = true;
                else if (lines[..i].All(string.IsNullOrWhiteSpace) && IsKernelName(magic)) kernel = magic;
                else throw new KernelException($"line {i + 1}: unsupported magic command '{line}'");
                lines[i] = "";
            }
            else if (NugetDirective().Match(line) is { Success: true } m)
            {
                packages.Add((m.Groups["name"].Value.Trim(), m.Groups["version"].Success ? m.Groups["version"].Value.Trim() : null));
                lines[i] = "";
            }
        }
        return new CellDirectives(string.Join('\n', lines), kernel, time, packages);
    }

    private static bool IsKernelName(string name) =>
        CSharpNames.Contains(name, StringComparer.OrdinalIgnoreCase) || OtherKernels.Contains(name, StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex("""^#r\s+"nuget:\s*(?<name>[^,"]+)(,\s*(?<version>[^"]*))?"\s*$""")]
    private static partial Regex NugetDirective();
}
