using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Kit.Grading.Policy;

/// <summary>
/// Rewrites a course cell (test or locked) so that every name it takes from a library binds by its
/// full name: <c>Check.Close</c> becomes <c>global::Course.Check.Close</c>, <c>Grad</c> (from
/// <c>using static Adjoint.Ad</c>) becomes <c>global::Adjoint.Ad.Grad</c>. The bindings are read
/// from the solution, where no student code exists yet, so a class, alias or method of the same
/// name that a submission declares cannot take their place: <c>global::</c> names are never shadowed.
/// </summary>
internal sealed class GlobalQualifier(SemanticModel model) : CSharpSyntaxRewriter
{
    public static string Rewrite(SemanticModel model) =>
        new GlobalQualifier(model).Visit(model.SyntaxTree.GetRoot()).ToFullString();

    public override SyntaxNode? VisitUsingDirective(UsingDirectiveSyntax node) => node; // usings bind at the top level already

    public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node) =>
        Qualified(node, node) ?? node;

    public override SyntaxNode? VisitGenericName(GenericNameSyntax node)
    {
        var visited = (GenericNameSyntax)base.VisitGenericName(node)!;
        return Qualified(node, visited) ?? visited;
    }

    /// <summary>The name with its container spelled out from <c>global::</c>, or null to leave it.</summary>
    private SyntaxNode? Qualified(SimpleNameSyntax original, SimpleNameSyntax visited)
    {
        if (!StandsAlone(original) || original.IsVar || original.IsNint || original.IsNuint || original.IsUnmanaged || original.IsNotNull) return null;
        if (original.Identifier.ValueText is "nameof" or "dynamic") return null;
        if (model.GetAliasInfo(original) is not null) return null;
        var symbol = model.GetSymbolInfo(original).Symbol;
        if (symbol is null || symbol.Locations.Any(l => l.IsInSource)) return null;
        var container = symbol switch
        {
            INamespaceSymbol { IsGlobalNamespace: false } ns => ns.ContainingNamespace,
            INamedTypeSymbol type => (ISymbol?)type.ContainingType ?? type.ContainingNamespace,
            IMethodSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol when symbol.IsStatic => symbol.ContainingType,
            _ => null,
        };
        if (container is null) return null;
        var prefix = container is INamespaceSymbol { IsGlobalNamespace: true }
            ? "global::"
            : container.ToDisplayString(Format) + ".";
        if (container is INamedTypeSymbol { IsGenericType: true }) return null; // a static member of a generic type: keep as written
        var text = prefix + visited.WithoutTrivia().ToFullString();
        // Only the text is kept, so a NameSyntax fits wherever the simple name stood (type or expression).
        return SyntaxFactory.ParseName(text).WithTriviaFrom(original);
    }

    // `global::System.Object`, never the keyword `object`: `global::object.ReferenceEquals` would not parse.
    private static readonly SymbolDisplayFormat Format = SymbolDisplayFormat.FullyQualifiedFormat
        .WithGenericsOptions(SymbolDisplayGenericsOptions.None)
        .RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    // Only the leftmost name of a dotted chain is looked up; `x.Name` and `A.B`'s B are members, and `what:` names a parameter.
    private static bool StandsAlone(SimpleNameSyntax name) => name.Parent switch
    {
        MemberAccessExpressionSyntax m => m.Expression == name,
        QualifiedNameSyntax q => q.Left == name,
        MemberBindingExpressionSyntax or NameColonSyntax or NameEqualsSyntax or AliasQualifiedNameSyntax => false,
        _ => true,
    };
}
