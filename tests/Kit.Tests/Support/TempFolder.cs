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
    public void AddCourseDll(string relativeFolder = "")
    {
        var target = System.IO.Path.Combine(Path, relativeFolder, "Course.dll");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.Copy(typeof(Course.Check).Assembly.Location, target, overwrite: true);
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
