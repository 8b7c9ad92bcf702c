using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Kit.Exporting;

/// <summary>
/// One cell's C# split the way a top-level program needs it. Notebook cells are Roslyn
/// <em>script</em> code: usings, methods, fields, types and statements in any order, with a
/// final expression shown as the cell's value. A file-based app is a top-level program: usings
/// first, then statements (methods become local functions, fields become locals), then types.
/// </summary>
/// <param name="Usings">The cell's using directives, for the top of the file.</param>
/// <param name="Statements">The cell's code as top-level statements, in order.</param>
/// <param name="Types">The cell's type declarations, for the end of the file.</param>
/// <param name="Names">The variables and methods the cell declares at its top level: in a top-level
/// program they share one scope with every other cell's.</param>
public sealed record ScriptCell(IReadOnlyList<string> Usings, string Statements, IReadOnlyList<string> Types, IReadOnlyList<string> Names)
{
    private static readonly CSharpParseOptions ScriptOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    // Modifiers a method keeps as a local function (access modifiers have no meaning there).
    private static readonly SyntaxKind[] LocalFunctionModifiers =
        [SyntaxKind.StaticKeyword, SyntaxKind.AsyncKeyword, SyntaxKind.UnsafeKeyword, SyntaxKind.ExternKeyword];

    /// <param name="code">The cell's code without kernel directives (#!, #r).</param>
    /// <param name="where">Names the cell in error messages.</param>
    public static ScriptCell Parse(string code, string where)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, ScriptOptions).GetRoot();
        if (root.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } error)
            throw new ExportException($"{where}: does not compile ({error.GetMessage()} at line {error.Location.GetLineSpan().StartLinePosition.Line + 1})");

        var usings = root.Usings.Select(u => u.WithoutTrivia().ToString()).ToList();
        var statements = new List<string>();
        var types = new List<string>();
        var members = root.Members;
        for (var i = 0; i < members.Count; i++)
        {
            var last = i == members.Count - 1;
            switch (members[i])
            {
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                    types.Add(members[i].ToFullString().Trim());
                    statements.Add($"// ({Describe(members[i])}: declared at the end of the file, where C# wants types)\n");
                    break;
                case MethodDeclarationSyntax method:
                    statements.Add(KeepModifiers(method, method.Modifiers, LocalFunctionModifiers, m => method.WithModifiers(m)));
                    break;
                case FieldDeclarationSyntax field:
                    statements.Add(KeepModifiers(field, field.Modifiers, [SyntaxKind.ConstKeyword], m => field.WithModifiers(m)));
                    break;
                case GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } value } when last:
                    statements.Add(ShowValue(value));
                    break;
                case GlobalStatementSyntax statement:
                    statements.Add(statement.ToFullString());
                    break;
                default:
                    throw new ExportException($"{where}: a top-level {members[i].Kind()} has no equivalent in a file-based app");
            }
        }
        statements.Add(root.EndOfFileToken.LeadingTrivia.ToFullString()); // comments after the last statement
        return new ScriptCell(usings, string.Concat(statements), types, members.SelectMany(DeclaredNames).ToList());
    }

    private static IEnumerable<string> DeclaredNames(MemberDeclarationSyntax member) => member switch
    {
        MethodDeclarationSyntax method => [method.Identifier.ValueText],
        FieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
        GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax local } => local.Declaration.Variables.Select(v => v.Identifier.ValueText),
        GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax function } => [function.Identifier.ValueText],
        GlobalStatementSyntax { Statement: ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: DeclarationExpressionSyntax declaration } } } =>
            declaration.Designation.DescendantNodesAndSelf().OfType<SingleVariableDesignationSyntax>().Select(d => d.Identifier.ValueText),
        _ => [],
    };

    private static string Describe(MemberDeclarationSyntax type) => type switch
    {
        RecordDeclarationSyntax r => $"{r.Keyword}{(r.ClassOrStructKeyword.IsKind(SyntaxKind.None) ? "" : " " + r.ClassOrStructKeyword)} {r.Identifier}",
        BaseTypeDeclarationSyntax t => $"{t.Kind().ToString().Replace("Declaration", "").ToLowerInvariant()} {t.Identifier}",
        DelegateDeclarationSyntax d => $"delegate {d.Identifier}",
        _ => type.Kind().ToString(),
    };

    // Drops the modifiers a local declaration cannot have; the member's comments stay in front of it.
    private static string KeepModifiers<T>(T member, SyntaxTokenList modifiers, SyntaxKind[] allowed, Func<SyntaxTokenList, T> with)
        where T : MemberDeclarationSyntax
    {
        var kept = SyntaxFactory.TokenList(modifiers.Where(m => allowed.Contains(m.Kind())));
        if (kept.Count == modifiers.Count) return member.ToFullString();
        return with(kept).WithLeadingTrivia(member.GetLeadingTrivia()).ToFullString();
    }

    // The cell's final expression is what the kernel displays; print it instead. A final call
    // that already displays or prints (display(x), Console.WriteLine(x)) just gets its semicolon.
    private static string ShowValue(ExpressionStatementSyntax statement)
    {
        var expression = statement.Expression;
        var text = ShowsItself(expression) ? $"{expression.WithoutTrivia()};" : $"display({expression.WithoutTrivia()});";
        return statement.GetLeadingTrivia().ToFullString() + text + statement.GetTrailingTrivia().ToFullString() + "\n";
    }

    private static bool ShowsItself(ExpressionSyntax expression) => expression is InvocationExpressionSyntax
    {
        Expression: IdentifierNameSyntax { Identifier.ValueText: "display" }
            or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Display" or "WriteLine" or "Write" },
    };
}
