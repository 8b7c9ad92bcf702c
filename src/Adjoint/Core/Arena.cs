namespace Adjoint;

/// <summary>
/// Buffers for a compiled block: a block runs the same equations on the same shapes every time,
/// so the k-th array it asks for always has the same size. The arena hands out its k-th buffer
/// again after <see cref="Reset"/>, so repeated blocks allocate nothing and touch memory that is
/// already in cache. Only compiled code (which knows every intermediate dies with the block) uses it.
/// </summary>
internal sealed class Arena
{
    [ThreadStatic] private static Arena? current;

    // One list of buffers per kind of block (e.g. its length): the last block of an image is
    // shorter, and sharing one list would reallocate every buffer twice per call.
    private readonly Dictionary<int, List<double[]>> lists = [];
    private List<double[]> buffers = [];
    private int next;

    public static Arena? Current => current;

    public double[] Next(int size)
    {
        if (next < buffers.Count && buffers[next].Length == size) return buffers[next++];
        var array = GC.AllocateUninitializedArray<double>(size);
        if (next < buffers.Count) buffers[next] = array; else buffers.Add(array);
        next++;
        return array;
    }

    public void Reset() => next = 0;

    /// <summary>
    /// Makes this arena the current thread's until the returned scope is disposed, handing out the
    /// buffers kept for blocks of kind <paramref name="kind"/> from the first one again.
    /// </summary>
    public Scope Activate(int kind)
    {
        if (!lists.TryGetValue(kind, out var list)) lists[kind] = list = [];
        buffers = list;
        var previous = current;
        current = this;
        Reset();
        return new Scope(previous);
    }

    public readonly struct Scope(Arena? previous) : IDisposable
    {
        public void Dispose() => current = previous;
    }
}
