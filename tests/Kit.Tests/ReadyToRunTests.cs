using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis.CSharp.Scripting;

namespace Kit.Tests;

/// <summary>
/// src/ReadyToRun.targets: the Roslyn a grading worker loads is precompiled, not IL to JIT per submission; so are
/// Adjoint and Course, whose tracing and planning code would otherwise be JIT-compiled on every first call.
/// </summary>
public sealed class ReadyToRunTests
{
    // A ReadyToRun image carries a managed native header (the R2R header) in its CLI header; IL-only images do not.
    private static bool IsReadyToRun(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    [Theory]
    [InlineData(typeof(CSharpScript))]                                        // Microsoft.CodeAnalysis.CSharp.Scripting
    [InlineData(typeof(Microsoft.CodeAnalysis.Scripting.ScriptOptions))]     // Microsoft.CodeAnalysis.Scripting
    [InlineData(typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation))]   // Microsoft.CodeAnalysis.CSharp
    [InlineData(typeof(Microsoft.CodeAnalysis.Compilation))]                // Microsoft.CodeAnalysis
    public void Roslyn_beside_the_kit_is_ReadyToRun(Type type) =>
        Assert.True(IsReadyToRun(type.Assembly.Location), $"{type.Assembly.Location} is IL only: the Crossgen2 step of src/ReadyToRun.targets did not run");

    [Theory]
    [InlineData(typeof(Adjoint.Tensor))]
    [InlineData(typeof(Course.GaussLikelihood))]
    public void Adjoint_and_Course_are_ReadyToRun(Type type) =>
        Assert.True(IsReadyToRun(type.Assembly.Location), $"{type.Assembly.Location} is IL only: ReadyToRunSelf of src/ReadyToRun.targets did not run");

    [Fact]
    public void The_check_tells_IL_from_ReadyToRun() =>
        Assert.False(IsReadyToRun(typeof(ReadyToRunTests).Assembly.Location)); // this test assembly is IL only
}
