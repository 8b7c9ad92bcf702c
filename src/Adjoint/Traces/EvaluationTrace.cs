namespace Adjoint.Traces;

/// <summary>The formats a trace renders to.</summary>
public enum TraceFormat
{
    /// <summary>Plain text with aligned columns (a console).</summary>
    Text,
    /// <summary>Markdown pipe tables.</summary>
    Markdown,
    /// <summary>Styled HTML tables (what a notebook shows).</summary>
    Html,
}

/// <summary>
/// One row of an evaluation trace: <c>v₃ | c | v₃ = sin(v₁) | 0.841471 | v̇₃ = v̇₁ · cos(v₁) | 0.540302</c>.
/// </summary>
/// <param name="Variable">v₋₁, v₀, v₁, …, and y for the last row.</param>
/// <param name="Name">The name given with <see cref="Ad.Name"/>, or null.</param>
/// <param name="Operation">The primal step written out, e.g. <c>v₁ = v₋₁ / v₀</c>.</param>
/// <param name="Value">The primal value.</param>
/// <param name="Rule">The tangent step (forward traces), e.g. <c>v̇₁ = v̇₋₁ / v₀ − v̇₀ · v₋₁ / v₀²</c>; null in reverse traces.</param>
/// <param name="Derivative">The tangent (forward traces) or the final adjoint (reverse traces).</param>
public sealed record TraceRow(string Variable, string? Name, string Operation, Tensor Value, string? Rule, Tensor Derivative);

/// <summary>
/// A trace of one evaluation, in the layout of Baydin et al. (2018), Tables 2 and 3: one row per
/// variable in evaluation order. Shown as a cell value in a Polyglot notebook, it appears as an HTML table.
/// </summary>
[TypeFormatterSource(typeof(NotebookFormatterSource), PreferredMimeTypes = ["text/html"])]
public abstract class EvaluationTrace
{
    private protected EvaluationTrace(TraceGraph graph, IReadOnlyList<TraceRow> rows)
    {
        Graph = graph;
        Rows = rows;
    }

    /// <summary>The computational graph, with values (and tangents or adjoints) on its nodes.</summary>
    public TraceGraph Graph { get; }

    /// <summary>The rows: inputs, intermediates, then y.</summary>
    public IReadOnlyList<TraceRow> Rows { get; }

    /// <summary>A heading shown above the tables (e.g. the function's name).</summary>
    public string? Title { get; set; }

    /// <summary>The row of a variable by its symbol (<c>v₃</c>, <c>y</c>) or its name (<c>c</c>).</summary>
    public TraceRow this[string variableOrName] =>
        Rows.FirstOrDefault(r => r.Variable == variableOrName) ?? Rows.FirstOrDefault(r => r.Name == variableOrName)
        ?? throw new KeyNotFoundException($"No variable named {variableOrName} in this trace.");

    /// <summary>The tables this trace is made of (one for forward mode, two for reverse mode).</summary>
    internal abstract IReadOnlyList<TextTable> Tables();

    public string ToText() => TableRenderer.Render(Tables(), TraceFormat.Text);
    public string ToMarkdown() => TableRenderer.Render(Tables(), TraceFormat.Markdown);
    public string ToHtml() => TableRenderer.Render(Tables(), TraceFormat.Html);
    public string Render(TraceFormat format) => TableRenderer.Render(Tables(), format);
    public override string ToString() => ToText();

    /// <summary>The primal columns of a row, shared by both modes: variable, name, operation, value.</summary>
    private protected static string[] PrimalCells(TraceRow row) =>
        [row.Variable, row.Name ?? "", row.Operation, MathText.Value(row.Value)];

    /// <summary>Rows for the variables of <paramref name="graph"/> and the output y.</summary>
    private protected static List<TraceRow> VariableRows(TraceGraph graph, Func<TraceNode, string?> rule, Func<TraceNode, Tensor> derivative, string? outputRule)
    {
        var rows = new List<TraceRow>();
        foreach (var node in graph.Inputs.Concat(graph.Operations))
            rows.Add(new(node.Symbol, node.Name, $"{node.Symbol} = {node.Operation}", node.Value, rule(node), derivative(node)));
        var y = graph.Output;
        rows.Add(new("y", null, $"y = {y.Symbol}", y.Value, outputRule, derivative(y)));
        return rows;
    }
}

/// <summary>
/// Forward mode, step by step: each variable's value and tangent v̇ = ∂v/∂x · ẋ for the seed ẋ
/// (Baydin et al., Table 2). Made by <c>Ad.TraceForward</c>.
/// </summary>
[TypeFormatterSource(typeof(NotebookFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class ForwardModeTrace : EvaluationTrace
{
    internal ForwardModeTrace(TraceGraph graph, IReadOnlyList<TraceRow> rows, Tensor[] seeds) : base(graph, rows) => Seeds = seeds;

    /// <summary>The tangents the inputs were seeded with (ẋ₁, ẋ₂, …).</summary>
    public IReadOnlyList<Tensor> Seeds { get; }

    /// <summary>f(x).</summary>
    public Tensor Value => Rows[^1].Value;

    /// <summary>ẏ = J·ẋ, the directional derivative along the seed.</summary>
    public Tensor Tangent => Rows[^1].Derivative;

    internal override IReadOnlyList<TextTable> Tables()
    {
        var seeds = string.Join(", ", Graph.Inputs.Select((x, j) => $"{MathText.Dot(x.Name!)} = {MathText.Value(Seeds[j])}"));
        var title = $"{(Title is null ? "" : Title + ": ")}forward mode, seeded with {seeds}";
        var rows = Rows.Select(r => (string[])[.. PrimalCells(r), r.Rule ?? "", MathText.Value(r.Derivative)]).ToList();
        return [new TextTable(title, ["Variable", "Name", "Primal trace", "Value", "Tangent trace", "Tangent"], rows, NumberColumns: [3, 5])];
    }

    /// <summary>Builds the table from a finished forward trace: tangent steps are written from each primitive's rule.</summary>
    internal static ForwardModeTrace Create(TraceGraph graph, Tensor[] seeds) =>
        new(graph, VariableRows(graph, TangentRule, n => n.Tangent!, $"ẏ = {MathText.Dot(graph.Output.Symbol)}"), seeds);

    private static string TangentRule(TraceNode node)
    {
        var dot = MathText.Dot(node.Symbol);
        if (node.Kind == TraceNodeKind.Input) return $"{dot} = {MathText.Dot(node.Name!)}";
        // Only operands that carry a tangent contribute; constants have none.
        var primitive = node.Op!;
        var x = node.Operands.Select(o => o.Symbol).ToArray();
        var terms = node.Operands.Select((o, i) => (o, i)).Where(p => p.o.Kind != TraceNodeKind.Constant)
            .Select(p => MathText.Contribution(primitive, p.i, MathText.Dot(p.o.Symbol), x, node.Symbol, reverse: false));
        return $"{dot} = {MathText.Sum(terms)}";
    }
}

/// <summary>What a step of the backward sweep does.</summary>
public enum AdjointStepKind
{
    /// <summary>ȳ = 1: the sweep starts at the output.</summary>
    Seed,
    /// <summary>The first contribution to a variable's adjoint.</summary>
    First,
    /// <summary>A further contribution, added because the variable feeds several operations.</summary>
    Accumulate,
    /// <summary>The gradient of an input, read off at the end.</summary>
    Gradient,
}

/// <summary>One step of the backward sweep: <c>v̄₀ = v̄₀ + v̄₂ · exp(v₀)</c> and the adjoint's value after it.</summary>
/// <param name="Variable">The adjoint written to: v̄₃, or x̄₁ for a gradient.</param>
/// <param name="Name">The variable's name, or null.</param>
/// <param name="Rule">The step written out.</param>
/// <param name="Value">The adjoint after this step.</param>
/// <param name="Kind">Seed, first contribution, accumulation, or gradient.</param>
public sealed record AdjointStep(string Variable, string? Name, string Rule, Tensor Value, AdjointStepKind Kind);

/// <summary>
/// Reverse mode, step by step (Baydin et al., Table 3): the forward primal trace, then the backward
/// sweep in the order it runs, adding up contributions where a variable feeds several operations,
/// and ending with the gradient of every input. Made by <c>Ad.TraceReverse</c>.
/// </summary>
[TypeFormatterSource(typeof(NotebookFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class ReverseModeTrace : EvaluationTrace
{
    internal ReverseModeTrace(TraceGraph graph, IReadOnlyList<TraceRow> rows, IReadOnlyList<AdjointStep> steps, Tensor[] gradients)
        : base(graph, rows)
    {
        Steps = steps;
        Gradients = gradients;
    }

    /// <summary>The backward sweep, in the order it ran.</summary>
    public IReadOnlyList<AdjointStep> Steps { get; }

    /// <summary>∂y/∂xⱼ for every input (what <c>Ad.Grad</c> returns).</summary>
    public IReadOnlyList<Tensor> Gradients { get; }

    /// <summary>f(x).</summary>
    public Tensor Value => Rows[^1].Value;

    /// <summary>Builds the tables from a finished backward sweep; each variable's row shows its final adjoint.</summary>
    internal static ReverseModeTrace Create(TraceGraph graph, IReadOnlyList<AdjointStep> steps, Tensor[] gradients) =>
        new(graph, VariableRows(graph, _ => null, n => n.Adjoint!, null), steps, gradients);

    internal override IReadOnlyList<TextTable> Tables()
    {
        var prefix = Title is null ? "" : Title + ": ";
        var primal = Rows.Select(r => (string[])[.. PrimalCells(r), MathText.Value(r.Derivative)]).ToList();
        var sweep = Steps.Select((s, k) => (string[])[(k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), s.Variable, s.Name ?? "", s.Rule, MathText.Value(s.Value)]).ToList();
        return
        [
            new TextTable(prefix + "reverse mode, forward primal trace (adjoints are the final values)",
                          ["Variable", "Name", "Primal trace", "Value", "Adjoint"], primal, NumberColumns: [3, 4]),
            new TextTable(prefix + "reverse mode, backward sweep in the order it runs",
                          ["Step", "Adjoint", "Name", "Adjoint trace", "Value"], sweep, NumberColumns: [0, 4]),
        ];
    }
}
