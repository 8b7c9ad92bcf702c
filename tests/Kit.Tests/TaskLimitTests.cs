using System.Diagnostics;
using Kit.Grading;
using Kit.Tests.Support;

namespace Kit.Tests;

/// <summary>
/// The sandbox's bound on tasks stops a fork bomb, for each kind of limit (cgroup v1, cgroup v2, RLIMIT_NPROC) that
/// this machine can set. A submission cannot start processes or threads (the answer policy rejects them), so the bomb
/// is a shell run through the same bubblewrap command line and launcher as a grading worker.
/// </summary>
public sealed class TaskLimitTests
{
    // Starts background sleeps, one line per sleep started; dash stops at the first fork that fails ("Cannot fork").
    private const int Attempts = 3 * Sandbox.MaxTasks;
    private static readonly string Bomb = $"i=0; while [ $i -lt {Attempts} ]; do sleep 60 & i=$((i+1)); echo $i; done";

    [TaskLimitFact(TaskLimit.CgroupV1)]
    public void A_pids_cgroup_v1_stops_a_fork_bomb() => AssertStopped(TaskLimit.CgroupV1);

    [TaskLimitFact(TaskLimit.CgroupV2)]
    public void A_pids_cgroup_v2_stops_a_fork_bomb() => AssertStopped(TaskLimit.CgroupV2);

    [TaskLimitFact(TaskLimit.Rlimit)]
    public void RLIMIT_NPROC_stops_a_fork_bomb() => AssertStopped(TaskLimit.Rlimit);

    [Fact]
    public void The_report_names_the_limit_applied()
    {
        var line = Sandbox.Describe(sandboxed: true);
        Assert.Contains(Sandbox.TaskLimitHere switch
        {
            TaskLimit.CgroupV1 => "pids cgroup v1",
            TaskLimit.CgroupV2 => "pids cgroup v2",
            TaskLimit.Rlimit => "RLIMIT_NPROC",
            _ => "no task limit",
        }, line);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void What_an_unprivileged_sandbox_cannot_read_is_named()
    {
        using var folder = new TempFolder(); // created owner-only (0700)
        var file = folder.Write("Course.dll", "");
        Assert.Equal(folder.Path, Sandbox.UnreadableByOthers([file]));
        File.SetUnixFileMode(folder.Path, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(file, (UnixFileMode)0b110_000_000);
        Assert.Equal(file, Sandbox.UnreadableByOthers([file]));
        File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        Assert.Null(Sandbox.UnreadableByOthers([file, folder.Path, "/usr/bin"]));
    }

    private static void AssertStopped(TaskLimit limit)
    {
        using var folder = new TempFolder();
        var args = Sandbox.Wrap(["/bin/sh", "-c", Bomb], folder.Path, [], [], new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, limit);
        var (info, cgroup) = Sandbox.StartInfo(args, limit);
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            // When the shell stops, bubblewrap's pid namespace ends and takes the sleeps with it.
            if (!process.WaitForExit(TimeSpan.FromMinutes(2))) process.Kill(entireProcessTree: true);
            var started = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).DefaultIfEmpty(0).Max();
            Assert.True(started < Sandbox.MaxTasks, $"{limit}: {started} of {Attempts} sleeps started, the limit is {Sandbox.MaxTasks} tasks; stderr: {errors.Result}");
            Assert.True(started > Sandbox.MaxTasks / 2, $"{limit}: only {started} sleeps started; stderr: {errors.Result}"); // the bomb ran, and hit the limit, not a failure to start
            Assert.Contains("fork", errors.Result, StringComparison.OrdinalIgnoreCase);
        }
        finally { Sandbox.Release(cgroup); }
    }
}

/// <summary>A fact that runs where this machine can set the given task limit, and is skipped, with the reason, elsewhere.</summary>
public sealed class TaskLimitFactAttribute : FactAttribute
{
    public TaskLimitFactAttribute(TaskLimit limit)
    {
        if (!Sandbox.IsAvailable) Skip = "bubblewrap cannot create a sandbox here (apt-get install bubblewrap; user namespaces)";
        else if (!Sandbox.Supports(limit)) Skip = limit switch
        {
            TaskLimit.CgroupV1 => "no writable pids cgroup v1 (/sys/fs/cgroup/pids) here",
            TaskLimit.CgroupV2 => "no cgroup v2 with a pids controller this process may hand to child cgroups here",
            _ => $"prlimit{(Environment.IsPrivilegedProcess ? ", setpriv, or a kit folder readable by uid " + Sandbox.UnprivilegedId : "")} missing here",
        };
    }
}
