namespace Kit.Grading;

/// <summary>Whether submissions run in the operating system's sandbox (bubblewrap).</summary>
public enum SandboxMode
{
    /// <summary>Never: a child process with time and memory limits only.</summary>
    Off,
    /// <summary>When bubblewrap works on this machine; the report says which isolation applied.</summary>
    Auto,
    /// <summary>Always: refuse to grade without it (<c>--require-sandbox</c>).</summary>
    Required,
}

/// <summary>How submissions are graded besides their limits.</summary>
/// <param name="Policy">Check answer cells against the answer policy before they run (off only in tests of the
/// layers below it).</param>
/// <param name="Sandbox">Whether workers run in the bubblewrap sandbox.</param>
public sealed record GradeOptions(bool Policy = true, SandboxMode Sandbox = SandboxMode.Auto)
{
    public static readonly GradeOptions Default = new();
}
