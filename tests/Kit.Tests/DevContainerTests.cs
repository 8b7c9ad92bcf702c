using System.Text.Json;
using Kit.Tests.Support;

namespace Kit.Tests;

[Collection(RepositoryBuilds.Name)]
public sealed class DevContainerTests
{
    private static readonly string ConfigPath = Repository.Combine(".devcontainer/devcontainer.json");

    // devcontainer.json is JSONC: comments and trailing commas are allowed.
    private static JsonElement Config()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ConfigPath),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.Clone();
    }

    [Fact]
    public void Uses_the_dotnet_10_dev_container_image()
    {
        var image = Config().GetProperty("image").GetString()!;
        Assert.StartsWith("mcr.microsoft.com/devcontainers/dotnet:", image);
        Assert.Contains("-10.0", image);
    }

    [Theory]
    [InlineData("ms-dotnettools.dotnet-interactive-vscode")] // Polyglot Notebooks
    [InlineData("ms-toolsai.jupyter")]                       // which Polyglot Notebooks needs
    [InlineData("ms-dotnettools.csharp")]
    public void Installs_the_extension(string extension)
    {
        var extensions = Config().GetProperty("customizations").GetProperty("vscode").GetProperty("extensions")
            .EnumerateArray().Select(e => e.GetString());
        Assert.Contains(extension, extensions);
    }

    [Fact]
    public void Post_create_command_builds_what_the_notebooks_reference_and_a_lesson_then_runs_in_the_real_kernel()
    {
        var command = Config().GetProperty("postCreateCommand").GetString()!;
        var result = ChildProcess.Run("bash", ["-c", command], Repository.Root, TimeSpan.FromMinutes(10));
        Assert.True(result.ExitCode == 0, $"postCreateCommand '{command}' exited with {result.ExitCode}:\n{result.Output}");
        foreach (var project in new[] { "Adjoint", "Course" })
            Assert.True(File.Exists(Repository.Combine($"artifacts/bin/{project}/debug/{project}.dll")), $"{project}.dll not built");
        Assert.True(File.Exists(Repository.Combine(".tools/dotnet-interactive")), "the .NET Interactive kernel was not installed");

        // The Codespace path: a lesson, Run All, in the kernel post-create installed (outputs not written back).
        var run = ChildProcess.Run(ChildProcess.Dotnet,
            ["exec", typeof(Kit.Cli).Assembly.Location, "run", "--kernel", "dotnet-interactive", "--no-write", "notebooks/02-reverse-mode.ipynb"],
            Repository.Root, TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["COLUMNS"] = "200" });
        Assert.True(run.ExitCode == 0, $"notebooks/02-reverse-mode.ipynb in the real kernel:\n{run.Output}");
        Assert.Contains("10/10 ok", run.Output);
    }
}
