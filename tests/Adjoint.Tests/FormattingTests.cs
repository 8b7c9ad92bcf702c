using Adjoint;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>
/// Tensor.ToString against numpy's <c>str(array)</c> with default print options (numpy ≥ 1.14:
/// precision 8, threshold 1000, edgeitems 3, linewidth 75). Each expected string is what numpy prints.
/// </summary>
public class FormattingTests
{
    [Theory]
    [InlineData(new[] { 1.0, 2.0, 3.0 }, "[1. 2. 3.]")]                 // np.array([1., 2., 3.])
    [InlineData(new[] { 1.5, 2.25 }, "[1.5  2.25]")]                     // fractions padded on the right
    [InlineData(new[] { -1.0, 2.5 }, "[-1.   2.5]")]                     // sign widens the integer column
    [InlineData(new[] { 0.1, 0.123456789 }, "[0.1        0.12345679]")]  // at most 8 decimals
    [InlineData(new[] { 10.0, -200.5, 3.0 }, "[  10.  -200.5    3. ]")]
    [InlineData(new[] { -0.0, 1.0 }, "[-0.  1.]")]
    [InlineData(new[] { 0.0, 0.0 }, "[0. 0.]")]
    [InlineData(new[] { 1e-5, 1.0 }, "[1.e-05 1.e+00]")]                 // smallest non-zero < 1e-4: scientific
    [InlineData(new[] { 1.5e10, 1.0 }, "[1.5e+10 1.0e+00]")]             // largest ≥ 1e8; mantissas share a precision
    [InlineData(new[] { -1e-5, 1.0 }, "[-1.e-05  1.e+00]")]
    [InlineData(new[] { 0.0, 1e-5 }, "[0.e+00 1.e-05]")]
    [InlineData(new[] { 1.0, 1001.0 }, "[1.000e+00 1.001e+03]")]         // ratio > 1000: scientific
    [InlineData(new[] { 1.0, 1000.0 }, "[   1. 1000.]")]                 // ratio = 1000: still positional
    [InlineData(new[] { 1e-100, 1.0 }, "[1.e-100 1.e+000]")]             // three-digit exponents for all
    [InlineData(new[] { 12345678.9, 1.0 }, "[1.23456789e+07 1.00000000e+00]")]
    [InlineData(new[] { 12345678.9, 20000.0 }, "[12345678.9    20000. ]")]
    [InlineData(new[] { 1.0 / 3, 2.0 / 3 }, "[0.33333333 0.66666667]")]
    public void VectorsPrintAsNumpyStr(double[] values, string expected) =>
        Assert.Equal(expected, Array(values).ToString());

    [Fact]
    public void NanAndInfinityShareTheColumnWidth()
    {
        Assert.Equal("[nan  1. inf]", Array(double.NaN, 1.0, double.PositiveInfinity).ToString());
        Assert.Equal("[-inf  0.5  nan]", Array(double.NegativeInfinity, 0.5, double.NaN).ToString());
    }

    [Fact]
    public void MatrixColumnsAlign() =>
        Assert.Equal("[[-4.  0.]\n [ 0.  2.]]", Array(new double[,] { { -4, 0 }, { 0, 2 } }).ToString());

    [Fact]
    public void MatrixWithFractionsAligns() =>
        // np.array([[1.5, -2.], [3.25, 4.]])
        Assert.Equal("[[ 1.5  -2.  ]\n [ 3.25  4.  ]]", Array(new double[,] { { 1.5, -2 }, { 3.25, 4 } }).ToString());

    [Fact]
    public void ThreeDimensionalArraysHaveABlankLineBetweenBlocks() =>
        // np.arange(8.).reshape(2, 2, 2)
        Assert.Equal("[[[0. 1.]\n  [2. 3.]]\n\n [[4. 5.]\n  [6. 7.]]]", Arange(8).Reshape(2, 2, 2).ToString());

    [Fact]
    public void FourDimensionalArraysHaveTwoBlankLinesBetweenOuterBlocks() =>
        // np.arange(4.).reshape(2, 1, 1, 2)
        Assert.Equal("[[[[0. 1.]]]\n\n\n [[[2. 3.]]]]", Arange(4).Reshape(2, 1, 1, 2).ToString());

    [Theory]
    [InlineData(2.5, "2.5")]
    [InlineData(3.0, "3.0")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void ScalarsPrintAsPythonFloats(double value, string expected) =>
        Assert.Equal(expected, ((Tensor)value).ToString());

    [Fact]
    public void LongRowsWrapAtSeventyFiveCharacters()
    {
        // np.arange(20.)
        Assert.Equal(
            "[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n 18. 19.]",
            Arange(20).ToString());
        // np.arange(40.).reshape(2, 20)
        Assert.Equal(
            "[[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n  18. 19.]\n" +
            " [20. 21. 22. 23. 24. 25. 26. 27. 28. 29. 30. 31. 32. 33. 34. 35. 36. 37.\n  38. 39.]]",
            Arange(40).Reshape(2, 20).ToString());
    }

    [Fact]
    public void LargeVectorsAreSummarised()
    {
        // np.arange(1001.): only the edge items decide the format.
        Assert.Equal("[   0.    1.    2. ...  998.  999. 1000.]", Arange(1001).ToString());
        // np.arange(2000.): ratio 1999 > 1000, so scientific with three digits for all.
        Assert.Equal("[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]", Arange(2000).ToString());
    }

    [Fact]
    public void LargeMatricesAreSummarisedByRowsAndColumns()
    {
        // np.zeros((1001, 3))
        Assert.Equal("[[0. 0. 0.]\n [0. 0. 0.]\n [0. 0. 0.]\n ...\n [0. 0. 0.]\n [0. 0. 0.]\n [0. 0. 0.]]", Zeros(1001, 3).ToString());
        // np.ones((40, 40))
        var row = "[1. 1. 1. ... 1. 1. 1.]";
        Assert.Equal($"[{row}\n {row}\n {row}\n ...\n {row}\n {row}\n {row}]", Ones(40, 40).ToString());
    }

    [Fact]
    public void EmptyArraysPrintAsEmptyBrackets()
    {
        Assert.Equal("[]", Zeros(0).ToString());
        Assert.Equal("[]", Zeros(2, 0).ToString());
    }

    [Fact]
    public void ToyHessianPrintsLikeTheLectureNotebook() =>
        Assert.Equal("[[-4.  0.]\n [ 0.  2.]]", Ad.Hessian(Models.Toy)(Array(1.0, 0.0)).ToString());
}
