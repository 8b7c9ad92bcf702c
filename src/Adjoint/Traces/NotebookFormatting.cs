using System.Net;
using System.Text;
using Adjoint.Traces;

namespace Adjoint.Traces
{
    /// <summary>
    /// Tells .NET Interactive (Polyglot Notebooks) how to show a type, without the library referencing
    /// it: the kernel looks for an attribute with this name, creates <see cref="FormatterSourceType"/>
    /// and asks it for formatters. Matched by name, so internal is enough.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = true)]
    internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
    {
        public Type FormatterSourceType { get; } = formatterSourceType;
        public string[] PreferredMimeTypes { get; set; } = [];
    }

    /// <summary>The formatters a notebook uses for traces, graphs and tensors: HTML tables, SVG graphs, and plain text.</summary>
    public sealed class NotebookFormatterSource
    {
        public IEnumerable<object> CreateTypeFormatters() =>
        [
            new NotebookFormatter("text/html", instance => instance switch
            {
                EvaluationTrace trace => trace.ToHtml(),
                Tensor tensor => TensorHtml.Render(tensor),
                _ => null,
            }),
            new NotebookFormatter("image/svg+xml", instance => instance switch
            {
                TraceGraph graph => graph.ToSvg(),
                _ => null,
            }),
            new NotebookFormatter("text/plain", instance => instance switch
            {
                EvaluationTrace trace => trace.ToText(),
                TraceGraph graph => graph.ToMermaid(),
                Tensor tensor => tensor.ToString(),
                _ => null,
            }),
        ];
    }

    /// <summary>One formatter in .NET Interactive's convention: a MIME type and a Format method.</summary>
    public sealed class NotebookFormatter
    {
        private readonly Func<object, string?> render;

        internal NotebookFormatter(string mimeType, Func<object, string?> render)
        {
            MimeType = mimeType;
            this.render = render;
        }

        public string MimeType { get; }

        /// <summary>Writes <paramref name="instance"/>; false when this formatter does not handle its type.</summary>
        public bool Format(object instance, TextWriter writer)
        {
            if (render(instance) is not { } text) return false;
            writer.Write(text);
            return true;
        }
    }

    /// <summary>
    /// A tensor as a notebook shows it: its shape, then a scalar or a small vector or matrix as an HTML
    /// table, anything larger as numpy's summarised printout.
    /// </summary>
    internal static class TensorHtml
    {
        private const int MaxRows = 20, MaxColumns = 12;

        public static string Render(Tensor t)
        {
            var sb = new StringBuilder("<div class=\"adjoint-tensor\">");
            sb.Append($"<div style=\"color:#666;font-size:0.85em\">Tensor shape {WebUtility.HtmlEncode(Shapes.Format(t.shape))}</div>");
            var values = t.Data;
            bool small = t.Rank <= 2 && t.Size > 0 && (t.Rank < 1 || t.shape[0] <= (t.Rank == 1 ? MaxColumns : MaxRows)) && (t.Rank < 2 || t.shape[1] <= MaxColumns);
            if (!small || t.Rank == 0)
                return sb.Append("<pre>").Append(WebUtility.HtmlEncode(t.ToString())).Append("</pre></div>").ToString();
            int rows = t.Rank == 1 ? 1 : t.shape[0], columns = t.shape[^1];
            sb.Append("<table style=\"border-collapse:collapse;font-family:monospace\">");
            for (int i = 0; i < rows; i++)
            {
                sb.Append("<tr>");
                for (int j = 0; j < columns; j++)
                    sb.Append("<td style=\"border:1px solid #ddd;padding:1px 6px;text-align:right\">")
                      .Append(ArrayFormat.Scalar(values[i * columns + j])).Append("</td>");
                sb.Append("</tr>");
            }
            return sb.Append("</table></div>").ToString();
        }
    }
}

namespace Adjoint
{
    // Tensors show readably in notebooks (small ones in full, large ones summarised).
    [TypeFormatterSource(typeof(NotebookFormatterSource), PreferredMimeTypes = ["text/html"])]
    public partial class Tensor;
}
