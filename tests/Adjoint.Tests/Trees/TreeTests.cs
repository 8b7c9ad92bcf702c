using Adjoint;
using static Adjoint.Np;

namespace Adjoint.Tests.Trees;

public class TreeTests
{
    [Fact]
    public void FlattenTakesDictionaryKeysInSortedOrderAndRecursesIntoContainers()
    {
        var tree = new Dictionary<string, object>
        {
            ["b"] = (Array(1.0, 2.0), new List<Tensor> { 3.0, 4.0 }),
            ["a"] = new Tensor[] { 5.0 },
            ["c"] = 6.0,
        };
        var (leaves, def) = Tree.Flatten(tree);
        Assert.Equal([5.0, 1.0, 2.0, 3.0, 4.0, 6.0], leaves.SelectMany(l => l.ToArray()));
        Assert.Equal("{'a': [*], 'b': (*, [*, *]), 'c': *}", def.ToString());
        Assert.Equal(5, def.LeafCount);
        Assert.Equal(["['a'][0]", "['b'][0]", "['b'][1][0]", "['b'][1][1]", "['c']"], Tree.Paths(tree));
    }

    [Fact]
    public void UnflattenRebuildsTheOriginalContainerTypes()
    {
        var tree = (new Dictionary<string, Tensor> { ["x"] = 1.0 }, new List<Tensor> { 2.0 }, new[] { 3.0 });
        var (leaves, def) = Tree.Flatten(tree);
        var back = Tree.Unflatten(def, leaves.Select(l => l * 10));
        var (d, list, doubles) = Assert.IsType<(Dictionary<string, Tensor>, List<Tensor>, double[])>(back);
        Assert.Equal(10.0, d["x"].Item);
        Assert.Equal(20.0, list[0].Item);
        Assert.Equal(30.0, doubles[0]); // a double leaf stays a double
    }

    [Fact]
    public void MapAppliesToEveryLeaf()
    {
        var mapped = (Dictionary<string, Tensor>)Tree.Map(x => 2 * x, new Dictionary<string, Tensor> { ["u"] = Array(1.0, 2.0), ["v"] = 3.0 });
        Assertions.Close(Array(2.0, 4.0), mapped["u"]);
        Assertions.Close(6.0, mapped["v"].Item);
    }

    [Fact]
    public void UnsupportedNodesAreNamedWithTheirTypeAndPath()
    {
        var e = Assert.Throws<ArgumentException>(() => Tree.Flatten(new Dictionary<string, object> { ["a"] = new object[] { 1.0, "oops" } }));
        Assert.Contains("unsupported node of type string at path ['a'][1]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tree.Flatten(new Dictionary<int, Tensor> { [1] = 1.0 }));
        Assert.Contains("Dictionary<int, Tensor> at path (the root) (dictionaries must have string keys)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tree.Flatten(new double[2, 2]));
        Assert.Contains("multi-dimensional", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tree.Flatten(new List<Tensor?> { null }));
        Assert.Contains("null at path [0]", e.Message);
    }

    [Fact]
    public void UnflattenChecksTheNumberOfLeaves()
    {
        var (_, def) = Tree.Flatten((Array(1.0), Array(2.0)));
        var e = Assert.Throws<ArgumentException>(() => Tree.Unflatten(def, [1.0]));
        Assert.Contains("has 2 leaves, but 1 were given", e.Message);
    }

    [Fact]
    public void StructuresCompareAsJaxDoesIgnoringElementTypes()
    {
        var a = Tree.Flatten(new Dictionary<string, Tensor> { ["x"] = 1.0 }).Def;
        var b = Tree.Flatten(new Dictionary<string, object> { ["x"] = 2.0 }).Def;
        var c = Tree.Flatten(new Dictionary<string, object> { ["y"] = 2.0 }).Def;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void ViewIndexesDownToALeafAndExplainsMistakes()
    {
        var view = new Tree(new Dictionary<string, object> { ["p"] = (Array(1.0, 2.0), 3.0) });
        Assertions.Close(Array(1.0, 2.0), view["p"][0]);
        Assert.Equal(["p"], view.Keys);
        Assert.Throws<KeyNotFoundException>(() => view["q"]);
        var e = Assert.Throws<InvalidOperationException>(() => (Tensor)view["p"]);
        Assert.Contains("not a real tensor leaf", e.Message);
    }
}
