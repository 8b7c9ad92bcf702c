namespace Kit.Notebooks;

/// <summary>A notebook file that cannot be used: bad JSON, wrong nbformat, missing fields.</summary>
public sealed class NotebookFormatException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}
