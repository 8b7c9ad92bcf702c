using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Kit.Grading.Policy;

/// <summary>A rule an answer cell breaks; the cell is not run. Line is 1-based within the cell.</summary>
public sealed record AnswerViolation(string GradeId, int Line, string Rule, string Message);

/// <summary>
/// Checks an answer cell, compiled in its place in the notebook, before it runs. Answer code may use
/// its own declarations, the course's libraries (Adjoint, Course) and a small part of .NET: System's
/// value types, Math, strings, exceptions, collections, LINQ, StringBuilder, numerics. Everything else
/// (files, processes, interop, unsafe code, reflection, threads, the environment, the console beyond
/// Write/WriteLine, kernel directives) is rejected, as is anything the exercise forbids and any
/// declaration of a name the course's cells use. Each message names the line and the rule.
/// </summary>
internal sealed class AnswerPolicy
{
    private sealed record Rule(string Prefix, string Name, string Why);

    // First match wins; more specific prefixes come first.
    private static readonly Rule[] Denied =
    [
        new("System.Console.Write", "", ""), // allowed: Write and WriteLine
        new("System.Console", "console", "only Console.Write/WriteLine are available"),
        new("System.Diagnostics.Stopwatch", "", ""),
        new("System.Diagnostics", "processes", "processes and diagnostics are not available to answers"),
        new("System.IO", "files", "answers cannot use files"),
        new("System.Runtime.InteropServices", "interop", "native code is not available to answers"),
        new("System.Runtime", "interop", "runtime internals are not available to answers"),
        new("System.Reflection", "reflection", "reflection is not available to answers"),
        new("System.Type", "reflection", "reflection is not available to answers"),
        new("System.Object.GetType", "reflection", "reflection is not available to answers"),
        new("System.Delegate.Method", "reflection", "reflection is not available to answers"),
        new("System.Delegate.DynamicInvoke", "reflection", "reflection is not available to answers"),
        new("System.MulticastDelegate", "reflection", "reflection is not available to answers"),
        new("System.Activator", "reflection", "reflection is not available to answers"),
        new("System.RuntimeTypeHandle", "reflection", "reflection is not available to answers"),
        new("System.RuntimeMethodHandle", "reflection", "reflection is not available to answers"),
        new("System.RuntimeFieldHandle", "reflection", "reflection is not available to answers"),
        new("System.TypedReference", "reflection", "reflection is not available to answers"),
        new("System.Linq.Expressions", "reflection", "expression trees are not available to answers"),
        new("System.Dynamic", "reflection", "dynamic binding is not available to answers"),
        new("Microsoft.CSharp", "reflection", "dynamic binding is not available to answers"),
        new("System.Threading", "threads", "answers cannot start threads or tasks"),
        new("System.Timers", "threads", "answers cannot start timers"),
        new("System.Environment", "environment", "the environment and process are off limits"),
        new("System.AppDomain", "environment", "the environment and process are off limits"),
        new("System.AppContext", "environment", "the environment and process are off limits"),
        new("System.GC", "environment", "the environment and process are off limits"),
        new("System.IntPtr", "unsafe", "native pointers are not available to answers"),
        new("System.UIntPtr", "unsafe", "native pointers are not available to answers"),
        new("System.Buffer", "unsafe", "raw memory copies are not available to answers"),
        new("System.Net", "network", "answers cannot use the network"),
        new("Course.Charts", "files", "charts write files; not available to answers"),
        new("Course.Figures", "files", "figures write files; not available to answers"),
        new("Course.Lessons", "files", "lesson output writes files; not available to answers"),
    ];

    // Namespaces whose types answers may use (a namespace ending in '*' includes its sub-namespaces).
    private static readonly string[] Allowed =
        ["System", "System.Collections*", "System.Linq", "System.Text", "System.Numerics", "System.Globalization", "Adjoint*", "Course*"];

    private readonly string _gradeId;
    private readonly SemanticModel _model;
    private readonly ExerciseRules _rules;
    private readonly IReadOnlyDictionary<string, string> _protected;
    private readonly List<(AnswerViolation Violation, bool FromType)> _found = [];
    private bool _judgingType; // a violation found through an expression's type is reported only if its line has no better one

    private AnswerPolicy(string gradeId, SemanticModel model, ExerciseRules rules, IReadOnlyDictionary<string, string> protectedNames)
    {
        _gradeId = gradeId;
        _model = model;
        _rules = rules;
        _protected = protectedNames;
    }

    /// <summary>The rules <paramref name="source"/> breaks (as compiled into <paramref name="model"/>), first per line.</summary>
    public static IReadOnlyList<AnswerViolation> Check(string gradeId, string source, SemanticModel model, ExerciseRules rules, IReadOnlyDictionary<string, string> protectedNames)
    {
        var policy = new AnswerPolicy(gradeId, model, rules, protectedNames);
        policy.CheckDirectives(source);
        policy.CheckSyntax();
        return [.. policy._found.GroupBy(v => v.Violation.Line).Select(g => g.OrderBy(v => v.FromType).First().Violation).OrderBy(v => v.Line)];
    }

    private void Add(int line, string what, string rule, string why) =>
        _found.Add((new AnswerViolation(_gradeId, line, rule, $"line {line}: {Feedback.Clean(what, 60)}: {why} [{rule}]"), _judgingType));

    private void Add(SyntaxNode node, string rule, string why) =>
        Add(node.GetLocation().GetLineSpan().StartLinePosition.Line + 1, node.ToString(), rule, why);

    private void CheckDirectives(string source)
    {
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (ScriptChain.IsDirective(lines[i]) && lines[i].Trim() != "#!time")
                Add(i + 1, lines[i].Trim(), "directives", "answers cannot load code or use kernel magics (#r, #load, #!...)");
    }

    private void CheckSyntax()
    {
        foreach (var node in _model.SyntaxTree.GetRoot().DescendantNodesAndSelf())
        {
            switch (node)
            {
                case UnsafeStatementSyntax or PointerTypeSyntax or FunctionPointerTypeSyntax or FixedStatementSyntax
                    or MakeRefExpressionSyntax or RefTypeExpressionSyntax or RefValueExpressionSyntax:
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression or (int)SyntaxKind.PointerIndirectionExpression }:
                    Add(node, "unsafe", "unsafe code and pointers are not available to answers");
                    continue;
                case MemberDeclarationSyntax or LocalFunctionStatementSyntax when Modifiers(node).Any(m => m.IsKind(SyntaxKind.UnsafeKeyword) || m.IsKind(SyntaxKind.ExternKeyword)):
                    Add(node, Modifiers(node).Any(m => m.IsKind(SyntaxKind.ExternKeyword)) ? "interop" : "unsafe", "unsafe and extern code are not available to answers");
                    continue;
                case UsingDirectiveSyntax { Alias: not null } alias:
                    Add(alias, "protected-name", "using aliases are not available to answers (they could rename what the tests use)");
                    continue;
            }
            CheckDeclaration(node);
            if (node is SimpleNameSyntax or ImplicitObjectCreationExpressionSyntax or ElementAccessExpressionSyntax or BinaryExpressionSyntax
                && !IsLeftOfMemberAccess(node))
                CheckSymbol(node, _model.GetSymbolInfo(node).Symbol);
            if (node is ExpressionSyntax expression && _model.GetTypeInfo(expression).Type is { } type && !IsName(node))
            {
                _judgingType = true;
                CheckType(node, type);
                _judgingType = false;
            }
            if (node is AssignmentExpressionSyntax assignment) CheckWrite(assignment.Left);
            if (node is PrefixUnaryExpressionSyntax prefix) CheckWrite(prefix.Operand);
            if (node is PostfixUnaryExpressionSyntax postfix) CheckWrite(postfix.Operand);
            if (node is ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument) CheckWrite(argument.Expression);
        }
    }

    private static bool IsName(SyntaxNode node) => node is SimpleNameSyntax;

    // In `Console.WriteLine`, the member decides (Console itself is fine, Console.OpenStandardInput is not).
    private bool IsLeftOfMemberAccess(SyntaxNode node) =>
        node.Parent is MemberAccessExpressionSyntax m && m.Expression == node && _model.GetSymbolInfo(node).Symbol is INamedTypeSymbol;

    private static SyntaxTokenList Modifiers(SyntaxNode node) => node switch
    {
        MemberDeclarationSyntax m => m.Modifiers,
        LocalFunctionStatementSyntax f => f.Modifiers,
        _ => default,
    };

    // A top-level declaration whose name a course cell uses would shadow it.
    private void CheckDeclaration(SyntaxNode node)
    {
        if (node is not (MemberDeclarationSyntax or VariableDeclaratorSyntax or LocalFunctionStatementSyntax)) return;
        if (_model.GetDeclaredSymbol(node) is not { } symbol || !BoundSolution.IsTopLevel(symbol)) return;
        if (_protected.TryGetValue(symbol.Name, out var cell))
            Add(node.GetLocation().GetLineSpan().StartLinePosition.Line + 1, $"'{symbol.Name}'", "protected-name",
                $"declares '{symbol.Name}' again, which the course's cell '{cell}' declares and the tests use; choose another name");
    }

    // Course variables the tests read are not the answer's to change.
    private void CheckWrite(ExpressionSyntax target)
    {
        if (_model.GetSymbolInfo(target).Symbol is not ({ } symbol and (IFieldSymbol or IPropertySymbol))) return;
        if (symbol.Locations.All(l => l.SourceTree != _model.SyntaxTree) && _protected.TryGetValue(symbol.Name, out var cell))
            Add(target, "protected-name", $"changes '{symbol.Name}', which the course's cell '{cell}' declares and the tests use");
    }

    private void CheckSymbol(SyntaxNode node, ISymbol? symbol)
    {
        if (symbol is null || symbol.Locations.Any(l => l.IsInSource)) return;
        if (symbol is IMethodSymbol { ReducedFrom: { } reduced }) symbol = reduced;
        switch (symbol)
        {
            case INamedTypeSymbol type: CheckType(node, type); break;
            case IMethodSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol:
                if (symbol.ContainingType is { } container && !container.Locations.Any(l => l.IsInSource))
                    Judge(node, $"{FullName(container)}.{symbol.Name}", container);
                break;
        }
    }

    private void CheckType(SyntaxNode node, ITypeSymbol type)
    {
        switch (type)
        {
            case IErrorTypeSymbol or { TypeKind: TypeKind.Error }:
                return; // does not compile: the compiler reports it when the cell runs
            case IDynamicTypeSymbol:
                Add(node, "reflection", "dynamic binding is not available to answers");
                return;
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                Add(node, "unsafe", "unsafe code and pointers are not available to answers");
                return;
            case IArrayTypeSymbol array:
                CheckType(node, array.ElementType);
                return;
            case INamedTypeSymbol named when !named.Locations.Any(l => l.IsInSource):
                Judge(node, FullName(named), named);
                foreach (var argument in named.TypeArguments) CheckType(node, argument);
                return;
        }
    }

    private void Judge(SyntaxNode node, string fullName, INamedTypeSymbol type)
    {
        foreach (var forbidden in _rules.Forbid)
            if (Matches(fullName, forbidden))
            {
                Add(node, "exercise", $"{fullName} is not allowed here: {_rules.Why}");
                return;
            }
        var denied = Denied.FirstOrDefault(r => Matches(fullName, r.Prefix));
        if (denied is { Name: "" }) return;
        if (denied is not null)
        {
            Add(node, denied.Name, $"{fullName}: {denied.Why}");
            return;
        }
        var ns = type.ContainingNamespace?.ToDisplayString() ?? "";
        if (!Allowed.Any(a => a.EndsWith('*') ? ns == a[..^1] || ns.StartsWith(a[..^1] + ".", StringComparison.Ordinal) : ns == a))
            Add(node, "allowlist", $"{fullName} is outside what answers may use (the course's libraries, System's basic types, Math, collections, LINQ)");
    }

    private static bool Matches(string fullName, string prefix) =>
        fullName == prefix || (fullName.StartsWith(prefix, StringComparison.Ordinal) && fullName.Length > prefix.Length && fullName[prefix.Length] is '.' or '`')
        || (prefix.EndsWith('.') && fullName.StartsWith(prefix, StringComparison.Ordinal))
        || (prefix == "System.Console.Write" && fullName.StartsWith("System.Console.Write", StringComparison.Ordinal));

    private static string FullName(INamedTypeSymbol type) =>
        type.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None))
            .Replace("global::", "");
}
