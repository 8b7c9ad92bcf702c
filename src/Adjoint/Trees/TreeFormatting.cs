using System.Net;
using Adjoint.Traces;

namespace Adjoint.Traces
{
    /// <summary>
    /// Notebook formatters (the convention of <see cref="NotebookFormatterSource"/>) for labelled
    /// matrices, tree views and complex tensors: HTML tables for matrices, numpy-like text otherwise.
    /// </summary>
    public sealed class TreeFormatterSource
    {
        public IEnumerable<object> CreateTypeFormatters() =>
        [
            new NotebookFormatter("text/html", instance => instance switch
            {
                LabelledMatrix matrix => matrix.ToHtml(),
                Tree or ComplexTensor => "<pre>" + WebUtility.HtmlEncode(instance.ToString()) + "</pre>",
                _ => null,
            }),
            new NotebookFormatter("text/plain", instance => instance is LabelledMatrix or Tree or ComplexTensor ? instance.ToString() : null),
        ];
    }
}

namespace Adjoint
{
    [TypeFormatterSource(typeof(TreeFormatterSource), PreferredMimeTypes = ["text/html"])]
    public sealed partial class LabelledMatrix;

    [TypeFormatterSource(typeof(TreeFormatterSource), PreferredMimeTypes = ["text/html"])]
    public sealed partial class Tree;

    [TypeFormatterSource(typeof(TreeFormatterSource), PreferredMimeTypes = ["text/html"])]
    public sealed partial class ComplexTensor;
}
