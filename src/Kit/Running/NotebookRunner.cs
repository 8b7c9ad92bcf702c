using Kit.Notebooks;
using Kit.Scripting;

namespace Kit.Running;

public enum CellOutcome { Passed, Failed, ExpectedFailure, TimedOut, Skipped, NotRun }

public sealed record CellReport(int Number, CellOutcome Outcome, TimeSpan Duration, string? Message)
{
    public bool IsFailure => Outcome is CellOutcome.Failed or CellOutcome.TimedOut;
}

public sealed record NotebookReport(string Path, IReadOnlyList<CellReport> Cells, TimeSpan Duration)
{
    public int Failures => Cells.Count(c => c.IsFailure);
}

/// <summary>
/// Runs a notebook's C# cells in order, as "Run All" does in VS Code, and puts the outputs
/// into the cells. Like Run All it stops at the first unexpected failure; a cell tagged
/// <c>raises-exception</c> (Jupyter's convention) must fail, and running goes on after it.
/// </summary>
public sealed class NotebookRunner(TimeSpan cellTimeout, Func<string, ICellKernel>? startKernel = null)
{
    public const string RaisesException = "raises-exception";

    public NotebookReport Run(Notebook notebook, Action<CellReport>? progress = null)
    {
        var directory = Environment.CurrentDirectory;
        try { return RunCells(notebook, progress); }
        finally
        {
            if (Directory.Exists(directory)) Environment.CurrentDirectory = directory; // cells ran in the notebook's folder
        }
    }

    private NotebookReport RunCells(Notebook notebook, Action<CellReport>? progress)
    {
        using var kernel = (startKernel ?? (directory => new ScriptKernel(directory)))(notebook.Directory);
        var reports = new List<CellReport>();
        var stopped = false;
        var started = DateTime.UtcNow;
        var number = 0;
        foreach (var cell in notebook.Cells)
        {
            if (!cell.IsCode) continue;
            number++;
            var report = stopped ? new CellReport(number, CellOutcome.NotRun, TimeSpan.Zero, null) : RunCell(kernel, notebook, cell, number);
            stopped |= report.IsFailure;
            reports.Add(report);
            progress?.Invoke(report);
        }
        return new NotebookReport(notebook.Path, reports, DateTime.UtcNow - started);
    }

    private CellReport RunCell(ICellKernel kernel, Notebook notebook, Cell cell, int number)
    {
        if (!CellKernel.IsCSharp(cell, notebook))
            return new CellReport(number, CellOutcome.Skipped, TimeSpan.Zero, $"cell of the '{CellKernel.Of(cell, notebook)}' kernel skipped");

        var result = kernel.Execute(cell.Source, cellTimeout);
        cell.SetOutputs(result.Outputs, result.ExecutionCount);
        var mustFail = cell.Tags.Contains(RaisesException);
        var (outcome, message) = (result.Status, mustFail) switch
        {
            (CellStatus.TimedOut, _) => (CellOutcome.TimedOut, result.ErrorMessage),
            (CellStatus.Failed, true) => (CellOutcome.ExpectedFailure, $"{result.ErrorType}: {result.ErrorMessage}"),
            (CellStatus.Failed, false) => (CellOutcome.Failed, $"{result.ErrorType}: {result.ErrorMessage}"),
            (CellStatus.Ok, true) => (CellOutcome.Failed, $"the cell is tagged {RaisesException} but did not fail"),
            _ => (CellOutcome.Passed, null),
        };
        return new CellReport(number, outcome, result.Duration, message);
    }
}
