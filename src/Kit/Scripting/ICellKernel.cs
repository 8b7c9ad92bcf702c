namespace Kit.Scripting;

/// <summary>Runs a notebook's cells one after another, state carrying over: the kit's own
/// <see cref="ScriptKernel"/> or the real .NET Interactive kernel (Kit.Running.InteractiveKernel).</summary>
public interface ICellKernel : IDisposable
{
    CellResult Execute(string source, TimeSpan timeout);
}
