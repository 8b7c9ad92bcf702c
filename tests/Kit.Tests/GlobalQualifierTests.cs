using Kit.Grading.Policy;
using Xunit;

namespace Kit.Tests;

/// <summary>Course cells are rewritten to full names before grading; the result must still compile.</summary>
public sealed class GlobalQualifierTests
{
    private static string Qualify(string cell) =>
        GlobalQualifier.Rewrite(ScriptChain.Compile([new ScriptChain.Cell(cell, MayLoad: true)], Path.GetTempPath())[0]);

    [Fact]
    public void A_static_method_inherited_from_object_is_qualified_with_the_type_name_not_the_keyword()
    {
        // A bare ReferenceEquals binds to System.Object's; `global::object.ReferenceEquals` would not even parse.
        var rewritten = Qualify("var a = new int[1];\nbool same = ReferenceEquals(a, a);");
        Assert.True(rewritten.Contains("global::System.Object.ReferenceEquals(a, a)"), rewritten);
        var errors = ScriptChain.Compile([new ScriptChain.Cell(rewritten, MayLoad: true)], Path.GetTempPath())[0]
            .GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        Assert.Empty(errors);
    }

    [Fact]
    public void Math_keeps_its_full_name()
    {
        Assert.Contains("global::System.Math.Sqrt(2.0)", Qualify("var r = Math.Sqrt(2.0);"));
    }
}
