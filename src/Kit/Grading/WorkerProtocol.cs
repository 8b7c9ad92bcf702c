using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kit.Grading;

/// <summary>What the grader sends a worker on its standard input (one JSON line, then EOF).</summary>
/// <remarks>Nonce: a per-run secret. The worker prefixes each event line on its standard output with it; the
/// grader ignores every line without it. The job is read before any submission code runs and the secret
/// lives only in the worker's own locals, which answer code (no reflection, no unsafe code) cannot reach,
/// so printing look-alike lines, even raw bytes on the stdout descriptor, cannot forge a result.</remarks>
public sealed record GradeJob(string Directory, double CellTimeoutSeconds, long MaxOutputChars, string Nonce, IReadOnlyList<JobCell> Cells);

/// <summary>One cell to run. Visible: for a test with hidden parts, run first; the full cell runs only if it passes.</summary>
public sealed record JobCell(string Source, bool Skip, string? Visible = null);

public enum WorkerEventKind { Ready, Start, End, Unhandled, Done }

/// <summary>One event line. Cells are numbered by their index in the job; Hidden marks the run of a
/// test's hidden parts (its failures are reported without their messages).</summary>
public sealed record WorkerEvent(WorkerEventKind Event, int Cell = -1, string? Status = null, string? ErrorType = null, string? Message = null, bool Hidden = false);

internal static class WorkerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
