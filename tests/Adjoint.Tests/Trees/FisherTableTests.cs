using Adjoint;
using Microsoft.DotNet.Interactive.Formatting;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Trees;

public class FisherTableTests
{
    private static readonly string[] Names = ["x0", "y0", "amp", "sigma", "rho", "diff"];

    [Fact]
    public void NamedParameterHessianIsTheFlatHessianWithLabels()
    {
        var model = new Models.Gauss(24);
        // The negative log-likelihood over a dictionary of named scalar parameters.
        Func<Dictionary<string, Tensor>, Tensor> nll = p => model.Nll(Stack(Names.Select(name => p[name])));
        var parameters = Names.Select((name, i) => (name, value: Models.Gauss.Truth[i])).ToDictionary(p => p.name, p => p.value);

        var fisher = Hessian(nll)(parameters).ToMatrix();
        var flat = Hessian(model.Nll)(Models.Gauss.Truth);

        // Rows and columns come in the tree's (sorted) key order.
        string[] sorted = [.. Names.Order(StringComparer.Ordinal)];
        Assert.Equal(sorted, fisher.RowLabels);
        Assert.Equal(sorted, fisher.ColumnLabels);
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                Assertions.Close(flat[i, j].Item, fisher[Names[i], Names[j]], 1e-10);

        var text = fisher.ToString();
        Assert.Contains("sigma", text);
        Assert.Equal(1 + 2 + 6, text.Split('\n').Length); // title, header and rule, six rows
        Assert.Contains("<th>sigma</th>", fisher.ToHtml());
    }

    [Fact]
    public void JacobianMatrixLabelsElementsOfVectorLeaves()
    {
        Func<Dictionary<string, Tensor>, Tensor> f = p => p["w"] * p["s"];
        var jac = JacRev(f)(new Dictionary<string, Tensor> { ["w"] = Array(1.0, 2.0), ["s"] = 3.0 }).ToMatrix();
        Assert.Equal(["x[0]", "x[1]"], jac.RowLabels);
        Assert.Equal(["s", "w[0]", "w[1]"], jac.ColumnLabels);
        Assertions.Close(Array(new double[,] { { 1, 3, 0 }, { 2, 0, 3 } }), jac.Values);
    }

    [Fact]
    public void HessianOfAVectorOutputIsNotOneMatrix()
    {
        Func<Dictionary<string, Tensor>, Tensor> f = p => p["w"] * p["w"];
        var h = Hessian(f)(new Dictionary<string, Tensor> { ["w"] = Array(1.0, 2.0) });
        Assert.Throws<InvalidOperationException>(() => h.ToMatrix());
    }

    [Fact]
    public void NotebooksShowMatricesAsTablesAndTreesAsText()
    {
        var matrix = new LabelledMatrix(["a", "b"], ["c"], Array(new double[,] { { 1 }, { 2 } }));
        Assert.Equal(matrix.ToHtml(), matrix.ToDisplayString("text/html"));
        Assert.Equal(matrix.ToString(), matrix.ToDisplayString("text/plain"));
        var tree = new Tree(new Dictionary<string, Tensor> { ["w"] = Array(1.0, 2.0) });
        Assert.Equal("['w'] (2,)\n[1. 2.]", tree.ToDisplayString("text/plain"));
        Assert.Contains("<pre>", tree.ToDisplayString("text/html"));
    }
}
