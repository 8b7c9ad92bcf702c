using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Kit.Tests.Support;

namespace Kit.Tests;

/// <summary>The README stays true: its library example runs and prints what it says.</summary>
[Collection(InProcessKernel.Name)] // redirects Console.Out, as the in-process kernel tests do
public partial class ReadmeTests
{
    [GeneratedRegex("```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [Fact]
    public async Task TheLibraryExampleRunsAndPrintsTheHessian()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Teaching.sln"))) root = root.Parent!;
        var readme = File.ReadAllText(Path.Combine(root.FullName, "README.md"));
        var code = CSharpBlock().Match(readme).Groups["code"].Value;
        Assert.Contains("Hessian(f)", code);

        // using directives become script imports; the rest runs as a script, as in a notebook cell.
        var lines = code.Split('\n');
        var usings = lines.Where(l => l.StartsWith("using ")).ToArray();
        var body = string.Join('\n', lines.Where(l => !l.StartsWith("using ")));
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        try
        {
            var options = ScriptOptions.Default
                .AddReferences(typeof(Adjoint.Tensor).Assembly)
                .AddImports("System", "System.Linq");
            await CSharpScript.RunAsync(string.Join('\n', usings) + "\n" + body, options);
        }
        finally { Console.SetOut(previous); }

        var printed = output.ToString();
        Assert.Contains("[[-4.  0.]\n [ 0.  2.]]", printed);
        Assert.Contains("v̄", printed); // the reverse trace table was printed
    }
}
