namespace Kit.Tests.Support;

/// <summary>A fresh folder per test, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("kit-test-").FullName;

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public string Write(string relative, string text)
    {
        var path = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Copies the kit's Course.dll here, so fixture notebooks can <c>#r "Course.dll"</c>.</summary>
    /// <summary>Copies Course.dll with the dependencies the kernel needs beside it (as the build puts them).</summary>
    public void AddCourseDll(string relativeFolder = "")
    {
        var source = System.IO.Path.GetDirectoryName(typeof(Course.Check).Assembly.Location)!;
        var target = Directory.CreateDirectory(System.IO.Path.Combine(Path, relativeFolder)).FullName;
        foreach (var name in new[] { "Course", "Adjoint", "System.Numerics.Tensors" })
            File.Copy(System.IO.Path.Combine(source, name + ".dll"), System.IO.Path.Combine(target, name + ".dll"), overwrite: true);
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
