using System.Diagnostics;

namespace Kit.Grading;

/// <summary>
/// The operating system's isolation of a worker, with bubblewrap (Linux namespaces): the worker sees
/// a read-only view of the runtime, the kit and the files the solution references with <c>#r</c>; the
/// solution's folder is an empty private tmpfs (so no solution, no other course file, and writes go
/// nowhere), /tmp is private and small, there is no network, it runs in its own pid namespace (it
/// cannot see or signal the grader; when it ends, everything it started ends), with a clean
/// environment, and, where the pids cgroup is writable, a limit on its number of tasks.
/// </summary>
public static class Sandbox
{
    public const int MaxTasks = 256;
    private const string Bwrap = "/usr/bin/bwrap";
    private const string PidsRoot = "/sys/fs/cgroup/pids";

    private static readonly Lazy<bool> Works = new(Probe);

    /// <summary>Whether bubblewrap can create the sandbox here (installed, namespaces permitted).</summary>
    public static bool IsAvailable => Works.Value;

    /// <summary>Whether each sandbox also gets a task limit (a writable pids cgroup).</summary>
    public static bool CanLimitTasks => PidsWritable.Value;

    private static readonly Lazy<bool> PidsWritable = new(() => Directory.Exists(PidsRoot) && CanWrite(PidsRoot));

    public static string Describe(bool sandboxed) => sandboxed
        ? "bubblewrap: read-only runtime and kit, solution folder hidden, private /tmp, no network, own pid namespace, clean environment"
          + (CanLimitTasks ? $", at most {MaxTasks} tasks" : ", no task limit (pids cgroup not writable)")
        : "process: own process with CPU-time and memory limits and a clean environment; no OS sandbox (bubblewrap not available or not wanted)";

    /// <summary>The command line that runs <paramref name="program"/> in the sandbox.</summary>
    public static List<string> Wrap(IReadOnlyList<string> program, string workDirectory, IEnumerable<string> readOnlyFiles,
        IEnumerable<string> readOnlyFolders, IReadOnlyDictionary<string, string> environment)
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
        args.AddRange(program);
        return args;
    }

    /// <summary>Starts bubblewrap with <paramref name="args"/>, inside a fresh pids cgroup where one can be made.</summary>
    public static (ProcessStartInfo Start, string? Cgroup) StartInfo(List<string> args)
    {
        string? cgroup = null;
        ProcessStartInfo info;
        if (CanLimitTasks)
        {
            cgroup = Path.Combine(PidsRoot, $"kit-grade-{Guid.NewGuid():N}");
            Directory.CreateDirectory(cgroup);
            File.WriteAllText(Path.Combine(cgroup, "pids.max"), MaxTasks.ToString());
            // The shell joins the cgroup, then becomes bubblewrap: every task of the sandbox is counted.
            info = new ProcessStartInfo("/bin/sh");
            foreach (var a in new[] { "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", cgroup, Bwrap }.Concat(args)) info.ArgumentList.Add(a);
        }
        else
        {
            info = new ProcessStartInfo(Bwrap);
            foreach (var a in args) info.ArgumentList.Add(a);
        }
        info.Environment.Clear();
        return (info, cgroup);
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

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(Bwrap)) return false;
        try
        {
            var info = new ProcessStartInfo(Bwrap) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true" }) info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            if (!p.WaitForExit(TimeSpan.FromSeconds(20))) { p.Kill(); return false; }
            return p.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException) { return false; }
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
