namespace Kit.Notebooks;

public static class NotebookFiles
{
    /// <summary>The .ipynb files named or found (recursively, sorted) under the given paths.</summary>
    public static (List<string> Files, List<string> Missing) Find(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var missing = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) files.Add(path);
            else if (Directory.Exists(path)) files.AddRange(InFolder(path));
            else missing.Add(path);
        }
        return (files, missing);
    }

    public static IEnumerable<string> InFolder(string folder) =>
        Directory.EnumerateFiles(folder, "*.ipynb", SearchOption.AllDirectories)
            .Where(f => !f.Contains(".ipynb_checkpoints", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
}
