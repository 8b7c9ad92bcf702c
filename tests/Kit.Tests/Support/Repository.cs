namespace Kit.Tests.Support;

/// <summary>The repository the tests were built from (the folder holding Teaching.sln).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Teaching.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Teaching.sln not found above the test binaries.");
    }

    public static string Combine(string relative) => Path.Combine(Root, relative);
}

/// <summary>Tests that build the repository's projects (dotnet build, dotnet run of a lesson) run
/// one at a time: two builds of the same project at once fight over its obj/ folder.</summary>
[CollectionDefinition(Name)]
public sealed class RepositoryBuilds
{
    public const string Name = "repository builds";
}
