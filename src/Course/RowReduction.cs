using System.Buffers;

namespace Course;

/// <summary>Computes the partial sums of one image row into <c>partial</c> (zeroed on entry).</summary>
internal delegate void RowKernel(int row, Span<double> partial);

/// <summary>
/// Spreads image rows over the cores and combines their partial sums in a fixed order. Each row
/// writes its own slot of a pooled buffer; the slots are then added row 0, 1, 2, ... on one thread,
/// so the result is bitwise identical for any number of threads and any scheduling.
/// </summary>
internal static class RowReduction
{
    public static void Run(int rows, int width, Span<double> result, RowKernel kernel, int maxDegreeOfParallelism)
    {
        double[] partials = ArrayPool<double>.Shared.Rent(rows * width);
        try
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
            Parallel.For(0, rows, options, row =>
            {
                var slot = partials.AsSpan(row * width, width);
                slot.Clear();
                kernel(row, slot);
            });
            result.Clear();
            for (int row = 0; row < rows; row++)
            {
                var slot = partials.AsSpan(row * width, width);
                for (int k = 0; k < width; k++) result[k] += slot[k];
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partials);
        }
    }
}
