using System.Text.Json;
using Kit.Scripting;

namespace Kit.Running;

/// <summary>
/// The environment variables that VS Code's Polyglot Notebooks gives the kernel it starts: the workspace
/// setting <c>polyglot-notebook.kernelEnvironmentVariables</c> in <c>.vscode/settings.json</c> of the
/// nearest folder above the notebook that has one (the repository, when it is opened as a workspace or
/// in a Codespace). The course sets the .NET runtime options there that our own executables get from
/// Directory.Build.props, so that a notebook runs as fast in the kernel as in <c>kit run</c>.
/// </summary>
public static class KernelEnvironment
{
    public const string SettingsFile = ".vscode/settings.json";
    public const string Setting = "polyglot-notebook.kernelEnvironmentVariables";

    /// <summary>The variables set for notebooks in <paramref name="directory"/> (none when no settings file is found above it).</summary>
    public static IReadOnlyDictionary<string, string> For(string directory)
    {
        for (var folder = new DirectoryInfo(Path.GetFullPath(directory)); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, SettingsFile);
            if (File.Exists(path)) return Read(path);
        }
        return new Dictionary<string, string>();
    }

    /// <summary>The setting's variables in one settings file (VS Code's JSON with comments and trailing commas).</summary>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path),
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new KernelException($"{path}: not valid JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty(Setting, out var variables))
                return new Dictionary<string, string>();
            if (variables.ValueKind != JsonValueKind.Object)
                throw new KernelException($"{path}: \"{Setting}\" must be an object of names and string values, not {variables.ValueKind}");
            var result = new Dictionary<string, string>();
            foreach (var variable in variables.EnumerateObject())
            {
                if (variable.Value.ValueKind != JsonValueKind.String)
                    throw new KernelException($"{path}: \"{Setting}\".{variable.Name} must be a string, not {variable.Value.ValueKind}");
                result[variable.Name] = variable.Value.GetString()!;
            }
            return result;
        }
    }
}
