using System.Diagnostics;

namespace Kit.Grading;

/// <summary>How the number of tasks (processes and threads) in a sandbox is bounded.</summary>
public enum TaskLimit
{
    /// <summary>No bound could be set here.</summary>
    None,
    /// <summary>A pids cgroup per worker (cgroup v1, /sys/fs/cgroup/pids writable).</summary>
    CgroupV1,
    /// <summary>A child cgroup per worker with pids.max (cgroup v2, the pids controller delegated to the grader's cgroup).</summary>
    CgroupV2,
    /// <summary>RLIMIT_NPROC set inside the sandbox's user namespace (the kernel ignores it for root, so a grader running
    /// as root starts the sandbox as an unprivileged user).</summary>
    Rlimit,
}

/// <summary>
/// The operating system's isolation of a worker, with bubblewrap (Linux namespaces): the worker sees
/// a read-only view of the runtime, the kit and the files the solution references with <c>#r</c>; the
/// solution's folder is an empty private tmpfs (so no solution, no other course file, and writes go
/// nowhere), /tmp is private and small, there is no network, it runs in its own pid namespace (it
/// cannot see or signal the grader; when it ends, everything it started ends), with a clean
/// environment, and a bound on its number of tasks (<see cref="TaskLimit"/>), the best this machine allows.
/// </summary>
public static class Sandbox
{
    public const int MaxTasks = 256;
    private const string Bwrap = "/usr/bin/bwrap";
    private const string Prlimit = "/usr/bin/prlimit";
    private const string Setpriv = "/usr/bin/setpriv";
    private const string PidsRootV1 = "/sys/fs/cgroup/pids";
    private const string CgroupRootV2 = "/sys/fs/cgroup";
    /// <summary>The unprivileged user a root grader runs RLIMIT_NPROC sandboxes as (nobody).</summary>
    public const int UnprivilegedId = 65534;

    private static readonly string[] AsUnprivileged = [Setpriv, $"--reuid={UnprivilegedId}", $"--regid={UnprivilegedId}", "--clear-groups"];

    private static readonly Lazy<bool> Works = new(() => Probe([]));

    /// <summary>Whether bubblewrap can create the sandbox here (installed, namespaces permitted).</summary>
    public static bool IsAvailable => Works.Value;

    private static readonly Lazy<string?> V2Parent = new(DelegatedPidsCgroup);
    private static readonly Lazy<bool> RlimitWorks = new(() => IsAvailable && File.Exists(Prlimit)
        && (!IsRoot || (File.Exists(Setpriv) && Probe([.. AsUnprivileged, Bwrap], Path.GetDirectoryName(typeof(Sandbox).Assembly.Location)!))));

    /// <summary>Whether <paramref name="limit"/> can be set on this machine.</summary>
    public static bool Supports(TaskLimit limit) => limit switch
    {
        TaskLimit.CgroupV1 => Directory.Exists(PidsRootV1) && CanWrite(PidsRootV1),
        TaskLimit.CgroupV2 => V2Parent.Value is not null,
        TaskLimit.Rlimit => RlimitWorks.Value,
        _ => true,
    };

    /// <summary>The task limit sandboxes get here: a cgroup where one can be made (it counts every task, whatever its
    /// user), else RLIMIT_NPROC.</summary>
    public static TaskLimit TaskLimitHere => Detected.Value;

    private static readonly Lazy<TaskLimit> Detected = new(() =>
        new[] { TaskLimit.CgroupV1, TaskLimit.CgroupV2, TaskLimit.Rlimit }.FirstOrDefault(Supports, TaskLimit.None));

    public static string Describe(bool sandboxed) => sandboxed
        ? "bubblewrap: read-only runtime and kit, solution folder hidden, private /tmp, no network, own pid namespace, clean environment, "
          + Describe(TaskLimitHere)
        : "process: own process with CPU-time and memory limits and a clean environment; no OS sandbox (bubblewrap not available or not wanted)";

    private static string Describe(TaskLimit limit) => limit switch
    {
        TaskLimit.CgroupV1 => $"at most {MaxTasks} tasks (pids cgroup v1)",
        TaskLimit.CgroupV2 => $"at most {MaxTasks} tasks (pids cgroup v2)",
        TaskLimit.Rlimit => $"at most {MaxTasks} tasks (RLIMIT_NPROC" + (RunsUnprivileged(limit) ? $", as uid {UnprivilegedId})" : ")"),
        _ => "no task limit (no writable pids cgroup, no prlimit)",
    };

    /// <summary>The command line that runs <paramref name="program"/> in the sandbox, under <paramref name="limit"/>.</summary>
    public static List<string> Wrap(IReadOnlyList<string> program, string workDirectory, IEnumerable<string> readOnlyFiles,
        IEnumerable<string> readOnlyFolders, IReadOnlyDictionary<string, string> environment, TaskLimit limit)
    {
        var args = new List<string> { "--unshare-all", "--die-with-parent", "--new-session", "--clearenv" };
        foreach (var top in new[] { "lib", "lib64", "bin", "sbin" })
        {
            var path = "/" + top;
            if (new FileInfo(path).LinkTarget is { } target) args.AddRange(["--symlink", target, path]);
            else if (Directory.Exists(path)) args.AddRange(["--ro-bind", path, path]);
        }
        args.AddRange(["--ro-bind", "/usr", "/usr"]);
        foreach (var file in new[] { "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime" })
            if (File.Exists(file)) args.AddRange(["--ro-bind", file, file]);
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--size", (256L << 20).ToString(), "--tmpfs", "/tmp"]);
        foreach (var folder in readOnlyFolders.Distinct()) args.AddRange(["--ro-bind", folder, folder]);
        args.AddRange(["--size", (64L << 20).ToString(), "--tmpfs", workDirectory]);
        foreach (var file in readOnlyFiles.Distinct()) args.AddRange(["--ro-bind", file, file]);
        foreach (var (name, value) in environment) args.AddRange(["--setenv", name, value]);
        args.AddRange(["--chdir", workDirectory, "--"]);
        // Set inside the sandbox's own user namespace, the limit counts only the sandbox's tasks (Linux counts
        // RLIMIT_NPROC per user per user namespace); prlimit is the first program there, so it binds all the others.
        if (limit == TaskLimit.Rlimit) args.AddRange([Prlimit, $"--nproc={MaxTasks}:{MaxTasks}", "--"]);
        args.AddRange(program);
        return args;
    }

    /// <summary>Starts bubblewrap with <paramref name="args"/> under <paramref name="limit"/>: in a fresh pids cgroup,
    /// or (RLIMIT_NPROC, which root ignores) as an unprivileged user when the grader is root.</summary>
    public static (ProcessStartInfo Start, string? Cgroup) StartInfo(List<string> args, TaskLimit limit)
    {
        string? cgroup = null;
        List<string> command;
        if (limit is TaskLimit.CgroupV1 or TaskLimit.CgroupV2)
        {
            var parent = limit == TaskLimit.CgroupV1 ? PidsRootV1 : V2Parent.Value ?? throw new InvalidOperationException("no delegated cgroup v2");
            cgroup = Path.Combine(parent, $"kit-grade-{Guid.NewGuid():N}");
            Directory.CreateDirectory(cgroup);
            File.WriteAllText(Path.Combine(cgroup, "pids.max"), MaxTasks.ToString());
            // The shell joins the cgroup, then becomes bubblewrap: every task of the sandbox is counted.
            command = ["/bin/sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", cgroup, Bwrap];
        }
        else command = RunsUnprivileged(limit) ? [.. AsUnprivileged, Bwrap] : [Bwrap];
        var info = new ProcessStartInfo(command[0]);
        foreach (var a in command.Skip(1).Concat(args)) info.ArgumentList.Add(a);
        info.Environment.Clear();
        return (info, cgroup);
    }

    private static bool IsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Whether sandboxes under <paramref name="limit"/> run as <see cref="UnprivilegedId"/>, which must be able to
    /// read what they bind.</summary>
    public static bool RunsUnprivileged(TaskLimit limit) => limit == TaskLimit.Rlimit && IsRoot;

    /// <summary>The first of <paramref name="paths"/> that a user other than its owner cannot read (or reach through its
    /// folders), or null.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static string? UnreadableByOthers(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path);
            var need = Directory.Exists(full) ? UnixFileMode.OtherRead | UnixFileMode.OtherExecute : UnixFileMode.OtherRead;
            if ((File.GetUnixFileMode(full) & need) != need) return full;
            for (var folder = Path.GetDirectoryName(full); folder is not null; folder = Path.GetDirectoryName(folder))
                if ((File.GetUnixFileMode(folder) & UnixFileMode.OtherExecute) == 0) return folder;
        }
        return null;
    }

    /// <summary>Removes a sandbox's cgroup once its tasks are gone (they die with the pid namespace).</summary>
    public static void Release(string? cgroup)
    {
        if (cgroup is null) return;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try { Directory.Delete(cgroup); return; }
            catch (IOException) { Thread.Sleep(100); }
            catch (UnauthorizedAccessException) { return; }
        }
    }

    /// <summary>Whether a minimal sandbox starts with <paramref name="launcher"/> (bubblewrap, possibly behind setpriv)
    /// and, if given, can read <paramref name="folder"/> (the kit's, which an unprivileged user must be able to read).</summary>
    private static bool Probe(IReadOnlyList<string> launcher, string? folder = null)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(Bwrap)) return false;
        try
        {
            var command = launcher.Count > 0 ? launcher : [Bwrap];
            var info = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in command.Skip(1).Concat(["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"])
                         .Concat(folder is null ? ["true"] : ["/usr/bin/test", "-r", folder, "-a", "-x", folder]))
                info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            if (!p.WaitForExit(TimeSpan.FromSeconds(20))) { p.Kill(); return false; }
            return p.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException) { return false; }
    }

    /// <summary>A cgroup v2 under which each worker can get a child cgroup with its own pids.max: the grader's own
    /// cgroup, once the pids controller is enabled for its children. Linux refuses that for a cgroup that holds
    /// processes (other than the root), so it works where the grader runs at the root of its cgroup namespace with
    /// the controller available, or was given a delegated cgroup; elsewhere null.</summary>
    private static string? DelegatedPidsCgroup()
    {
        try
        {
            if (!File.Exists(Path.Combine(CgroupRootV2, "cgroup.controllers"))) return null;
            var own = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
            if (own is null) return null;
            var parent = Path.Join(CgroupRootV2, own);
            var subtree = Path.Combine(parent, "cgroup.subtree_control");
            if (!File.ReadAllText(subtree).Split().Contains("pids")) File.AppendAllText(subtree, "+pids");
            var probe = Path.Combine(parent, $"kit-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(probe);
            try { return File.Exists(Path.Combine(probe, "pids.max")) ? parent : null; }
            finally { Directory.Delete(probe); }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            var probe = Path.Combine(folder, $"kit-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
