using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace Kit.Scripting;

/// <summary>
/// Resolves <c>#r "path.dll"</c> relative to the notebook's folder. An assembly with the same
/// identity as one already loaded in the kit (Adjoint.dll, Course.dll, ...) is reused instead of
/// loading a second copy, whose types would differ from the kit's. Others are loaded once
/// into the default context so that all cells (and #r of the same file twice) share them.
/// </summary>
internal sealed class ReferenceResolver(string baseDirectory) : MetadataReferenceResolver
{
    private readonly ScriptMetadataResolver _fallback = ScriptMetadataResolver.Default.WithBaseDirectory(baseDirectory);

    public override ImmutableArray<PortableExecutableReference> ResolveReference(
        string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        var folder = baseFilePath is null ? baseDirectory : Path.GetDirectoryName(baseFilePath) ?? baseDirectory;
        var path = Path.GetFullPath(reference, folder);
        if (!File.Exists(path)) return _fallback.ResolveReference(reference, baseFilePath, properties);
        RequireDependenciesBeside(path);
        var assembly = LoadOnce(path);
        return [MetadataReference.CreateFromFile(assembly.Location, properties)];
    }

    /// <summary>
    /// The real kernel resolves a <c>#r "x.dll"</c>'s dependencies only from the .NET shared framework
    /// and x.dll's own folder (it fails with FileNotFoundException at first use otherwise). This
    /// process has the kit's own copies loaded and would not fail, so check the rule here.
    /// </summary>
    private static void RequireDependenciesBeside(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        var framework = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator)
            .Where(p => p.Contains($"{Path.DirectorySeparatorChar}shared{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>([path]);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (pending.TryPop(out var file))
        {
            if (!seen.Add(file)) continue;
            using var stream = File.OpenRead(file);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            if (!pe.HasMetadata) continue;
            var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            foreach (var handle in metadata.AssemblyReferences)
            {
                var name = metadata.GetString(metadata.GetAssemblyReference(handle).Name);
                if (framework.Contains(name) || name is "netstandard" or "mscorlib") continue;
                var beside = Path.Combine(folder, name + ".dll");
                if (File.Exists(beside)) pending.Push(beside);
                else throw new KernelException(
                    $"#r \"{path}\": {Path.GetFileName(file)} needs {name}.dll, which is neither part of .NET nor beside it in {folder}. " +
                    "The notebook kernel loads a #r'd DLL's dependencies only from its own folder: build the project with " +
                    "<CopyLocalLockFileAssemblies>true</CopyLocalLockFileAssemblies>, or #r \"nuget: ...\" the package first.");
            }
        }
    }

    public static Assembly LoadOnce(string path)
    {
        AssemblyName name;
        try { name = AssemblyName.GetAssemblyName(path); }
        catch (BadImageFormatException) { throw new KernelException($"#r \"{path}\": not a .NET assembly"); }

        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => !a.IsDynamic && a.Location != "" && AssemblyName.ReferenceMatchesDefinition(name, a.GetName())
                                 && a.GetName().Version == name.Version);
        if (loaded is not null) return loaded;
        try { return Assembly.LoadFrom(path); }
        catch (FileLoadException e)
        {
            throw new KernelException($"#r \"{path}\": {name} conflicts with an assembly already loaded ({e.Message})");
        }
    }

    public override bool ResolveMissingAssemblies => _fallback.ResolveMissingAssemblies;

    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
        _fallback.ResolveMissingAssembly(definition, referenceIdentity);

    public override bool Equals(object? other) => other is ReferenceResolver r && r._fallback.Equals(_fallback);

    public override int GetHashCode() => _fallback.GetHashCode();
}
