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
        return new Scope(previous, restores: true);
    }

    /// <summary>No arena on this thread until the returned scope is disposed: for arrays that must outlive the block.</summary>
    public static Scope Suspend()
    {
        var previous = current;
        current = null;
        return new Scope(previous, restores: true);
    }

    /// <summary>Whether <paramref name="array"/> is one of the buffers this arena hands out again.</summary>
    public bool Owns(double[] array) => lists.Values.Any(list => list.Any(b => ReferenceEquals(b, array)));

    /// <summary>Restores the previous arena on disposal; <c>default</c> restores nothing (a scope that was not needed).</summary>
    public readonly struct Scope(Arena? previous, bool restores) : IDisposable
    {
        public void Dispose()
        {
            if (restores) current = previous;
        }
    }
}
