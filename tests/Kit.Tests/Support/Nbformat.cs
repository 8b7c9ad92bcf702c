using System.Diagnostics;

namespace Kit.Tests.Support;

/// <summary>The reference validator (Debian's python3-nbformat), when installed.</summary>
public static class Nbformat
{
    private const string Python = "/usr/bin/python3";

    public static bool Available { get; } = Run("-c", "import nbformat").ExitCode == 0;

    /// <summary>Null when the file is valid nbformat 4, else the validator's complaint.</summary>
    public static string? Problems(string path)
    {
        var (code, output) = Run("-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT))", path);
        return code == 0 ? null : output;
    }

    private static (int ExitCode, string Output) Run(params string[] args)
    {
        if (!File.Exists(Python)) return (-1, "no python3");
        var info = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}
