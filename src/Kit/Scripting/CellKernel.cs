using Kit.Notebooks;

namespace Kit.Scripting;

/// <summary>Which .NET Interactive kernel a cell belongs to: a first-line selector (#!fsharp) wins over metadata.</summary>
public static class CellKernel
{
    public static string Of(Cell cell, Notebook notebook)
    {
        string? magic;
        try { magic = CellDirectives.Parse(cell.Source).Kernel; }
        catch (KernelException) { magic = null; } // a bad directive is the cell's own error, reported when it runs
        return magic ?? cell.Kernel(notebook.DefaultKernel);
    }

    public static bool IsCSharp(Cell cell, Notebook notebook) =>
        cell.IsCode && CellDirectives.IsCSharpKernel(Of(cell, notebook));
}
