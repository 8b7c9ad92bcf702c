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
        var assembly = LoadOnce(path);
        return [MetadataReference.CreateFromFile(assembly.Location, properties)];
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
