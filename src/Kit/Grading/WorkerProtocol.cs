using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kit.Grading;

/// <summary>What the grader sends a worker on its standard input (one JSON line, then EOF).</summary>
/// <remarks>ResultsPath: Where the worker writes its events. Passed out of band, never on the
/// console, so a submission printing look-alike lines cannot forge a result.</remarks>
public sealed record GradeJob(string Directory, double CellTimeoutSeconds, long MaxOutputChars, string ResultsPath, IReadOnlyList<JobCell> Cells);

public sealed record JobCell(string Source, bool Skip);

public enum WorkerEventKind { Start, End, Unhandled, Done }

/// <summary>One line of the results file. Cells are numbered by their index in the job.</summary>
public sealed record WorkerEvent(WorkerEventKind Event, int Cell = -1, string? Status = null, string? ErrorType = null, string? Message = null);

internal static class WorkerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
