using System.Globalization;
using Adjoint.Traces;

namespace Adjoint
{
    /// <summary>
    /// A matrix with named rows and columns, e.g. the 6×6 Hessian (Fisher information) of a
    /// negative log-likelihood over named parameters {"x0", "y0", "amp", "sigma", "rho", "diff"}.
    /// Made from a Jacobian or Hessian of a tree function by <see cref="Tree.ToMatrix"/>.
    /// </summary>
    public sealed partial class LabelledMatrix
    {
        public IReadOnlyList<string> RowLabels { get; }
        public IReadOnlyList<string> ColumnLabels { get; }

        /// <summary>The values as a rank-2 tensor.</summary>
        public Tensor Values { get; }

        public LabelledMatrix(IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, Tensor values)
        {
            if (values.Rank != 2 || values.shape[0] != rowLabels.Count || values.shape[1] != columnLabels.Count)
                throw new ShapeException($"LabelledMatrix: {rowLabels.Count} row and {columnLabels.Count} column labels do not fit values of shape {Shapes.Format(values.shape)}.");
            (RowLabels, ColumnLabels, Values) = (rowLabels, columnLabels, values);
        }

        /// <summary>The entry in the named row and column.</summary>
        public double this[string row, string column] => Values.Data[Index(RowLabels, row) * ColumnLabels.Count + Index(ColumnLabels, column)];

        private static int Index(IReadOnlyList<string> labels, string label) =>
            labels.ToList().IndexOf(label) is var i and >= 0 ? i
                : throw new KeyNotFoundException($"LabelledMatrix: no label '{label}' (labels: {string.Join(", ", labels)}).");

        /// <summary>
        /// The matrix of a tree product A ⊗ B (rows: the elements of A's leaves, columns: those of
        /// B's), or of S ⊗ A ⊗ B for a scalar S (the Hessian of a scalar function).
        /// </summary>
        internal static LabelledMatrix FromProduct(Tree tree)
        {
            var (rows, columns) = tree.Factors switch
            {
                [var r, var c] => (r, c),
                [{ Def.IsUnit: true, UnitShapes: [[]] }, var r, var c] => (r, c),
                [_, _, _] => throw new InvalidOperationException("ToMatrix of a Hessian needs a scalar-output function (the Hessian of a vector output is a stack of matrices)."),
                _ => throw new InvalidOperationException("ToMatrix needs a Jacobian or Hessian made by Ad.JacFwd, Ad.JacRev or Ad.Hessian of a tree function."),
            };
            var blocks = Tree.Units(tree.Value).ToArray();
            int[] rowSizes = [.. rows.UnitShapes.Select(s => Shapes.Size(s))], columnSizes = [.. columns.UnitShapes.Select(s => Shapes.Size(s))];
            int n = rowSizes.Sum(), m = columnSizes.Sum();
            var values = new double[n * m];
            for (int r = 0, row0 = 0; r < rowSizes.Length; row0 += rowSizes[r++])
                for (int c = 0, column0 = 0; c < columnSizes.Length; column0 += columnSizes[c++])
                {
                    var block = blocks[r * columnSizes.Length + c] as Tensor
                        ?? throw new InvalidOperationException("ToMatrix: complex blocks cannot be shown as a real matrix.");
                    var data = block.Data;
                    for (int i = 0; i < rowSizes[r]; i++)
                        for (int j = 0; j < columnSizes[c]; j++)
                            values[(row0 + i) * m + column0 + j] = data[i * columnSizes[c] + j];
                }
            return new LabelledMatrix(ElementLabels(rows), ElementLabels(columns), new Tensor([n, m], values));
        }

        /// <summary>Labels of the elements of each leaf: the leaf's path, then [i, j] for an element of a non-scalar leaf.</summary>
        private static string[] ElementLabels(TreeFactor factor)
        {
            var paths = factor.Def.UnitPaths().Select(TreeDef.Label).ToArray();
            var shapes = factor.UnitShapes;
            return paths.SelectMany((p, k) => shapes[k].Length == 0 ? [p]
                : Enumerable.Range(0, Shapes.Size(shapes[k])).Select(e => $"{p}[{string.Join(",", Unravel(e, shapes[k]))}]")).ToArray();
        }

        private static int[] Unravel(int flat, int[] shape)
        {
            var index = new int[shape.Length];
            for (int d = shape.Length - 1; d >= 0; d--) { index[d] = flat % shape[d]; flat /= shape[d]; }
            return index;
        }

        private TextTable Table(string title) => new(title, ["", .. ColumnLabels],
            RowLabels.Select((r, i) => (string[])[r, .. ColumnLabels.Select((_, j) => Number(Values.Data[i * ColumnLabels.Count + j]))]).ToList(),
            [.. Enumerable.Range(1, ColumnLabels.Count)]);

        private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

        /// <summary>An aligned text table.</summary>
        public override string ToString() => TableRenderer.Render([Table($"{RowLabels.Count}×{ColumnLabels.Count}")], TraceFormat.Text).TrimEnd('\n');

        /// <summary>A styled HTML table (what a notebook shows).</summary>
        public string ToHtml() => TableRenderer.Render([Table($"{RowLabels.Count}×{ColumnLabels.Count}")], TraceFormat.Html);

        /// <summary>A Markdown pipe table.</summary>
        public string ToMarkdown() => TableRenderer.Render([Table($"{RowLabels.Count}×{ColumnLabels.Count}")], TraceFormat.Markdown);
    }
}
