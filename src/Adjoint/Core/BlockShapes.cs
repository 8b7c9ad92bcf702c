namespace Adjoint;

/// <summary>
/// The shapes of one block of pixels: the spatial trailing axes S of a shape (an image's, say) replaced by
/// (1, …, 1, length), <paramref name="length"/> consecutive pixels in row-major order. A primitive's block form
/// (<see cref="Primitive.OnBlocks"/>) says how it runs on such blocks, so programs can run block by block.
/// </summary>
internal sealed class BlockShapes(int[] spatial, int length)
{
    public int[] Spatial => spatial;

    /// <summary>Whether a shape is flat: the same for every pixel, S's window holding only 1s (it broadcasts over the pixels).</summary>
    public bool IsFlat(int[] shape)
    {
        for (int i = 1; i <= Math.Min(shape.Length, spatial.Length); i++)
            if (shape[^i] != 1) return false;
        return true;
    }

    /// <summary>Whether a shape ends with S: a value per pixel.</summary>
    public bool IsSpatial(int[] shape) =>
        shape.Length >= spatial.Length && Shapes.Equal(shape.AsSpan(shape.Length - spatial.Length), spatial);

    /// <summary>The shape in a block: S replaced by (1, …, 1, length); other shapes are unchanged.</summary>
    public int[] Map(int[] shape)
    {
        if (!IsSpatial(shape)) return shape;
        var result = (int[])shape.Clone();
        for (int i = 1; i <= spatial.Length; i++) result[^i] = i == 1 ? length : 1;
        return result;
    }
}
