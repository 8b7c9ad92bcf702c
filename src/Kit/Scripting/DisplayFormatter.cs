using System.Collections;
using System.Collections.Concurrent;
using System.Net;
using System.Reflection;

namespace Kit.Scripting;

/// <summary>
/// Turns a value into the mime bundle the .NET Interactive kernel would show: text/html and
/// text/plain. Types can bring their own formatters without referencing .NET Interactive by
/// carrying an attribute class named <c>TypeFormatterSourceAttribute</c> (matched by name,
/// as the kernel does). A string shown with explicit MIME types is formatted as the kernel formats
/// strings: text/plain as it is, text/html escaped, application/json quoted, and any other type is
/// the kernel's error ("No formatter is registered for MIME type ...").
/// </summary>
public sealed class DisplayFormatter
{
    public const string Html = "text/html";
    public const string Plain = "text/plain";
    private const int MaxListItems = 20;

    private static readonly ConcurrentDictionary<Type, TypeFormatters?> SourceCache = new();

    public const string Json = "application/json";

    public IReadOnlyDictionary<string, string> Format(object? value, IReadOnlyList<string>? mimeTypes = null)
    {
        if (value is string s && mimeTypes is { Count: > 0 })
            return mimeTypes.Distinct().ToDictionary(m => m, m => StringAs(s, m));

        var custom = value is null ? null : SourceCache.GetOrAdd(value.GetType(), FindFormatters);
        var wanted = (mimeTypes is { Count: > 0 } ? mimeTypes : custom?.Preferred ?? [Html]).Append(Plain).Distinct();
        var bundle = new Dictionary<string, string>();
        foreach (var mime in wanted)
            bundle[mime] = custom?.TryFormat(value!, mime) ?? Builtin(value, mime);
        return bundle;
    }

    private static string Builtin(object? value, string mime)
    {
        var text = PlainText(value);
        return mime == Html ? PlainHtml(text) : text;
    }

    private static string PlainHtml(string text) => $"<div class=\"dni-plaintext\"><pre>{WebUtility.HtmlEncode(text)}</pre></div>";

    private static string StringAs(string s, string mime) => mime switch
    {
        Plain => s,
        Html => PlainHtml(s),
        Json => System.Text.Json.JsonSerializer.Serialize(s, new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
        _ => throw new ArgumentException($"No formatter is registered for MIME type {mime}."),
    };

    public static string PlainText(object? value) => value switch
    {
        null => "<null>",
        string s => s,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        IEnumerable items => ListText(items),
        _ => value.ToString() ?? "",
    };

    private static string ListText(IEnumerable items)
    {
        var shown = items.Cast<object?>().Take(MaxListItems + 1).Select(PlainText).ToList();
        var more = shown.Count > MaxListItems ? ", ..." : "";
        return $"[ {string.Join(", ", shown.Take(MaxListItems))}{more} ]";
    }

    /// <summary>Formatters declared by a TypeFormatterSourceAttribute on the type or a base type.</summary>
    private static TypeFormatters? FindFormatters(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            var attribute = t.GetCustomAttributes(inherit: false)
                .FirstOrDefault(a => a.GetType().Name == "TypeFormatterSourceAttribute");
            if (attribute is null) continue;
            var sourceType = attribute.GetType().GetProperty("FormatterSourceType")?.GetValue(attribute) as Type;
            var preferred = attribute.GetType().GetProperty("PreferredMimeTypes")?.GetValue(attribute) as string[];
            if (sourceType is null) return null;
            var source = Activator.CreateInstance(sourceType);
            var create = sourceType.GetMethod("CreateTypeFormatters", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
            var formatters = (create?.Invoke(source, null) as IEnumerable)?.Cast<object>().ToList() ?? [];
            return new TypeFormatters(formatters, preferred is { Length: > 0 } ? preferred : null);
        }
        return null;
    }

    private sealed record TypeFormatters(IReadOnlyList<object> Formatters, string[]? Preferred)
    {
        public string? TryFormat(object value, string mime)
        {
            foreach (var formatter in Formatters)
            {
                var type = formatter.GetType();
                if (type.GetProperty("MimeType")?.GetValue(formatter) as string != mime) continue;
                var format = type.GetMethod("Format", [typeof(object), typeof(TextWriter)]);
                using var writer = new StringWriter();
                if (format?.Invoke(formatter, [value, writer]) is true) return writer.ToString();
            }
            return null;
        }
    }
}
