using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Adjoint;

internal delegate void SpanSpanOp(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result);
internal delegate void SpanScalarOp(ReadOnlySpan<double> a, double b, Span<double> result);
internal delegate void ScalarSpanOp(double a, ReadOnlySpan<double> b, Span<double> result);
internal delegate void UnaryOp(ReadOnlySpan<double> x, Span<double> result);

/// <summary>
/// A binary element-wise operation in its three vectorised forms: array∘array, array∘scalar and
/// scalar∘array. The broadcasting loop picks the form that fits each contiguous run.
/// </summary>
internal sealed record BinaryKernel(SpanSpanOp ArrayArray, SpanScalarOp ArrayScalar, ScalarSpanOp ScalarArray)
{
    /// <summary>For operations without a vectorised form: plain loops around a scalar function.</summary>
    public static BinaryKernel FromScalar(Func<double, double, double> f) => new(
        (a, b, r) => { for (int i = 0; i < r.Length; i++) r[i] = f(a[i], b[i]); },
        (a, b, r) => { for (int i = 0; i < r.Length; i++) r[i] = f(a[i], b); },
        (a, b, r) => { for (int i = 0; i < r.Length; i++) r[i] = f(a, b[i]); });

    /// <summary>For commutative operations the scalar∘array form is the array∘scalar form.</summary>
    public static BinaryKernel Commutative(SpanSpanOp arrayArray, SpanScalarOp arrayScalar) =>
        new(arrayArray, arrayScalar, (a, b, r) => arrayScalar(b, a, r));
}

/// <summary>
/// The loops that evaluate primitives on concrete data. Vectorised through
/// System.Numerics.Tensors.TensorPrimitives; every result is a fresh row-major array.
/// </summary>
internal static class Kernels
{
    /// <summary>first, first + 1, …: element numbers, for finding where a primitive moves elements.</summary>
    public static double[] Numbers(int count, int first = 0) => [.. Enumerable.Range(first, count).Select(i => (double)i)];

    /// <summary>Numpy broadcasting from <paramref name="from"/> to <paramref name="to"/>: which element each output element reads.</summary>
    public static int[] BroadcastSources(int[] from, int[] to) =>
        [.. Gather(Numbers(Shapes.Size(from)), 0, Shapes.BroadcastStrides(from, to), to).Select(n => (int)n)];

    /// <summary>A result array: from the thread's <see cref="Arena"/> when one is active (compiled blocks), else fresh.</summary>
    public static double[] NewArray(int size)
    {
        if (Arena.Current is { } arena) return arena.Next(size);
        LargeObjectHeapAdvice.Allocating(size);
        return GC.AllocateUninitializedArray<double>(size);
    }

    public static double[] NewZeroedArray(int size)
    {
        if (Arena.Current is null)
        {
            LargeObjectHeapAdvice.Allocating(size);
            return new double[size];
        }
        var array = Arena.Current.Next(size);
        array.AsSpan().Clear();
        return array;
    }

    public static double[] Unary(double[] x, UnaryOp op)
    {
        var result = NewArray(x.Length);
        op(x, result);
        return result;
    }

    /// <summary>Element-wise binary operation with numpy broadcasting.</summary>
    public static double[] Binary(double[] a, int[] aShape, double[] b, int[] bShape, int[] outShape, BinaryKernel op)
    {
        var result = NewArray(Shapes.Size(outShape));
        if (Shapes.Equal(aShape, bShape)) { op.ArrayArray(a, b, result); return result; }
        if (a.Length == 1 && b.Length == result.Length) { op.ScalarArray(a[0], b, result); return result; }
        if (b.Length == 1 && a.Length == result.Length) { op.ArrayScalar(a, b[0], result); return result; }

        int rank = outShape.Length;
        int[] sa = Shapes.BroadcastStrides(aShape, outShape), sb = Shapes.BroadcastStrides(bShape, outShape);
        // Find the longest trailing block that each operand reads either contiguously or as one repeated value.
        int run = 1, inner = rank;
        bool aContiguous = true, aRepeated = true, bContiguous = true, bRepeated = true;
        while (inner > 0)
        {
            int d = inner - 1, n = outShape[d];
            bool ac = aContiguous && (n == 1 || sa[d] == run), ar = aRepeated && (n == 1 || sa[d] == 0);
            bool bc = bContiguous && (n == 1 || sb[d] == run), br = bRepeated && (n == 1 || sb[d] == 0);
            if (!(ac || ar) || !(bc || br)) break;
            (aContiguous, aRepeated, bContiguous, bRepeated) = (ac, ar, bc, br);
            run *= n;
            inner--;
        }
        if (run == 1) { aContiguous = bContiguous = true; aRepeated = bRepeated = false; }

        var index = new int[inner];
        int offA = 0, offB = 0;
        for (int start = 0; start < result.Length; start += run)
        {
            var dst = result.AsSpan(start, run);
            if (aContiguous && bContiguous) op.ArrayArray(a.AsSpan(offA, run), b.AsSpan(offB, run), dst);
            else if (aContiguous) op.ArrayScalar(a.AsSpan(offA, run), b[offB], dst);
            else if (bContiguous) op.ScalarArray(a[offA], b.AsSpan(offB, run), dst);
            else { op.ArrayScalar(a.AsSpan(offA, 1), b[offB], dst[..1]); dst.Fill(dst[0]); }
            // Advance the odometer over the outer axes.
            for (int d = inner - 1; d >= 0; d--)
            {
                offA += sa[d]; offB += sb[d];
                if (++index[d] < outShape[d]) break;
                offA -= sa[d] * outShape[d]; offB -= sb[d] * outShape[d];
                index[d] = 0;
            }
        }
        return result;
    }

    /// <summary>
    /// Copies a strided view of <paramref name="src"/> into a strided view of <paramref name="dst"/>.
    /// Transpose, broadcast (stride 0), slicing (offset and step) and padding are all this one loop.
    /// </summary>
    public static void Copy(ReadOnlySpan<double> src, int srcOffset, int[] srcStrides,
                            Span<double> dst, int dstOffset, int[] dstStrides, int[] shape)
    {
        int rank = shape.Length;
        if (rank == 0) { dst[dstOffset] = src[srcOffset]; return; }
        if (Shapes.Size(shape) == 0) return;
        int n = shape[rank - 1], ss = srcStrides[rank - 1], ds = dstStrides[rank - 1];
        var index = new int[rank - 1];
        while (true)
        {
            if (ss == 1 && ds == 1) src.Slice(srcOffset, n).CopyTo(dst.Slice(dstOffset, n));
            else if (ss == 0 && ds == 1) dst.Slice(dstOffset, n).Fill(src[srcOffset]);
            else for (int i = 0; i < n; i++) dst[dstOffset + i * ds] = src[srcOffset + i * ss];

            int d = rank - 2;
            for (; d >= 0; d--)
            {
                srcOffset += srcStrides[d]; dstOffset += dstStrides[d];
                if (++index[d] < shape[d]) break;
                srcOffset -= srcStrides[d] * shape[d]; dstOffset -= dstStrides[d] * shape[d];
                index[d] = 0;
            }
            if (d < 0) return;
        }
    }

    /// <summary>Reads a strided view into a new contiguous array.</summary>
    public static double[] Gather(double[] src, int srcOffset, int[] srcStrides, int[] shape)
    {
        var result = NewArray(Shapes.Size(shape));
        Copy(src, srcOffset, srcStrides, result, 0, Shapes.Strides(shape), shape);
        return result;
    }

    /// <summary>
    /// Reduces the axes marked in <paramref name="reduce"/>. <paramref name="rowReduce"/> reduces one
    /// contiguous row to a number, <paramref name="combine"/> folds one row into an accumulator row.
    /// </summary>
    public static double[] Reduce(double[] x, int[] shape, bool[] reduce,
                                  Func<ReadOnlySpan<double>, double> rowReduce, SpanSpanOp combine)
    {
        int rank = shape.Length;
        int kept = 1, reduced = 1;
        for (int i = 0; i < rank; i++) { if (reduce[i]) reduced *= shape[i]; else kept *= shape[i]; }
        var result = NewArray(kept);
        if (reduced == 1) { x.AsSpan().CopyTo(result); return result; }

        int firstReduced = Array.IndexOf(reduce, true), lastKept = Array.LastIndexOf(reduce, false);
        if (lastKept < firstReduced)
        {
            // Reduced axes are trailing: each output is the reduction of one contiguous row.
            for (int i = 0; i < kept; i++) result[i] = rowReduce(x.AsSpan(i * reduced, reduced));
            return result;
        }
        int firstKept = Array.IndexOf(reduce, false), lastReduced = Array.LastIndexOf(reduce, true);
        if (lastReduced < firstKept)
        {
            // Reduced axes are leading: fold whole rows together, in a fixed order.
            x.AsSpan(0, kept).CopyTo(result);
            for (int r = 1; r < reduced; r++) combine(result, x.AsSpan(r * kept, kept), result);
            return result;
        }
        // Mixed: move the reduced axes to the end, then reduce rows.
        var perm = Enumerable.Range(0, rank).Where(i => !reduce[i]).Concat(Enumerable.Range(0, rank).Where(i => reduce[i])).ToArray();
        var moved = Transpose(x, shape, perm);
        for (int i = 0; i < kept; i++) result[i] = rowReduce(moved.AsSpan(i * reduced, reduced));
        return result;
    }

    public static double[] Transpose(double[] x, int[] shape, int[] perm)
    {
        int rank = shape.Length;
        if (rank >= 2 && perm[^1] == rank - 2 && perm[^2] == rank - 1 && perm[..^2].SequenceEqual(Enumerable.Range(0, rank - 2)))
            return SwapLastTwo(x, shape);
        var strides = Shapes.Strides(shape);
        return Gather(x, 0, perm.Select(p => strides[p]).ToArray(), perm.Select(p => shape[p]).ToArray());
    }

    /// <summary>
    /// Transposes each matrix of a stack in 32×32 tiles, so that both the reads and the writes of a
    /// tile stay in cache (a plain loop strides through memory on one side). Inside a tile, 4×4 blocks
    /// are moved with AVX shuffles where the CPU has them (JacFwd ends with this transpose of its n × n
    /// tangents: 200×200 measured 32 µs element by element, about as long as three element-wise operations).
    /// </summary>
    private static double[] SwapLastTwo(double[] x, int[] shape)
    {
        int rows = shape[^2], cols = shape[^1], size = rows * cols;
        var result = NewArray(x.Length);
        const int tile = 32;
        bool blocks = Avx.IsSupported;
        for (int m = 0; m < x.Length; m += size)
            for (int i0 = 0; i0 < rows; i0 += tile)
                for (int j0 = 0; j0 < cols; j0 += tile)
                {
                    int iEnd = Math.Min(i0 + tile, rows), jEnd = Math.Min(j0 + tile, cols);
                    // The 4×4 blocks cover rows i0..iBlocks and columns j0..jBlocks (nothing without AVX).
                    int iBlocks = blocks ? i0 + (iEnd - i0) / 4 * 4 : i0, jBlocks = blocks ? j0 + (jEnd - j0) / 4 * 4 : j0;
                    if (blocks)
                        for (int i = i0; i < iBlocks; i += 4)
                            for (int j = j0; j < jBlocks; j += 4)
                                Transpose4x4(ref x[m + i * cols + j], cols, ref result[m + j * rows + i], rows);
                    // What the blocks leave: the last columns of every row, then the last rows.
                    for (int i = i0; i < iEnd; i++)
                        for (int j = i < iBlocks ? jBlocks : j0; j < jEnd; j++)
                            result[m + j * rows + i] = x[m + i * cols + j];
                }
        return result;
    }

    /// <summary>The 4×4 block at <paramref name="from"/> (rows <paramref name="cols"/> apart) into <paramref name="to"/> (rows <paramref name="rows"/> apart), transposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(ref double from, int cols, ref double to, int rows)
    {
        var r0 = Vector256.LoadUnsafe(ref from);
        var r1 = Vector256.LoadUnsafe(ref from, (nuint)cols);
        var r2 = Vector256.LoadUnsafe(ref from, (nuint)(2 * cols));
        var r3 = Vector256.LoadUnsafe(ref from, (nuint)(3 * cols));
        var low01 = Avx.UnpackLow(r0, r1);    // a00 a10 a02 a12
        var high01 = Avx.UnpackHigh(r0, r1);  // a01 a11 a03 a13
        var low23 = Avx.UnpackLow(r2, r3);    // a20 a30 a22 a32
        var high23 = Avx.UnpackHigh(r2, r3);  // a21 a31 a23 a33
        Avx.Permute2x128(low01, low23, 0x20).StoreUnsafe(ref to);                      // a00 a10 a20 a30
        Avx.Permute2x128(high01, high23, 0x20).StoreUnsafe(ref to, (nuint)rows);       // a01 a11 a21 a31
        Avx.Permute2x128(low01, low23, 0x31).StoreUnsafe(ref to, (nuint)(2 * rows));   // a02 a12 a22 a32
        Avx.Permute2x128(high01, high23, 0x31).StoreUnsafe(ref to, (nuint)(3 * rows)); // a03 a13 a23 a33
    }

    /// <summary>Matrix product over the last two axes, broadcasting the leading ones.</summary>
    public static double[] MatMul(double[] a, int[] aShape, double[] b, int[] bShape, int[] outShape)
    {
        int m = aShape[^2], k = aShape[^1], n = bShape[^1];
        var result = NewZeroedArray(Shapes.Size(outShape));
        int[] lead = outShape[..^2];
        int[] sa = Shapes.BroadcastStrides(aShape[..^2], lead), sb = Shapes.BroadcastStrides(bShape[..^2], lead);
        int batches = Shapes.Size(lead);
        var index = new int[lead.Length];
        for (int batch = 0; batch < batches; batch++)
        {
            int offA = 0, offB = 0;
            for (int d = 0; d < lead.Length; d++) { offA += index[d] * sa[d]; offB += index[d] * sb[d]; }
            var A = a.AsSpan(offA * m * k, m * k);
            var B = b.AsSpan(offB * k * n, k * n);
            var C = result.AsSpan(batch * m * n, m * n);
            for (int i = 0; i < m; i++)
            {
                var row = C.Slice(i * n, n);
                if (n == 1) { row[0] = TensorPrimitives.Dot(A.Slice(i * k, k), B); continue; }
                for (int p = 0; p < k; p++)
                    TensorPrimitives.MultiplyAdd(B.Slice(p * n, n), A[i * k + p], row, row);
            }
            for (int d = lead.Length - 1; d >= 0; d--) { if (++index[d] < lead[d]) break; index[d] = 0; }
        }
        return result;
    }
}
