using System.Text.Json.Nodes;

namespace Kit.Scripting;

public enum CellStatus { Ok, Failed, TimedOut }

/// <summary>What running one cell produced.</summary>
/// <remarks>ErrorType: The exception's type name (e.g. System.NotImplementedException), or "CompilationError".</remarks>
public sealed record CellResult(
    CellStatus Status,
    int ExecutionCount,
    IReadOnlyList<JsonObject> Outputs,
    TimeSpan Duration,
    string? ErrorType = null,
    string? ErrorMessage = null)
{
    public bool Succeeded => Status == CellStatus.Ok;
}
