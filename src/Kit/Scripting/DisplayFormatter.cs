using System.Collections;
using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using Microsoft.FSharp.Core;

namespace Kit.Scripting;

/// <summary>
/// Turns a value into the mime bundle the .NET Interactive kernel would show: text/html and
/// text/plain. Types can bring their own formatters without referencing .NET Interactive by
/// carrying an attribute class named <c>TypeFormatterSourceAttribute</c> (matched by name,
/// as the kernel does); Plotly.NET charts get HTML once a notebook references
/// Plotly.NET.Interactive.
/// </summary>
public sealed class DisplayFormatter
{
    public const string Html = "text/html";
    public const string Plain = "text/plain";
    private const int MaxListItems = 20;

    private static readonly ConcurrentDictionary<Type, TypeFormatters?> SourceCache = new();

    public bool PlotlyCharts { get; set; }

    public IReadOnlyDictionary<string, string> Format(object? value, IReadOnlyList<string>? mimeTypes = null)
    {
        if (value is string s && mimeTypes is { Count: > 0 })
            return mimeTypes.ToDictionary(m => m, _ => s);

        var custom = value is null ? null : SourceCache.GetOrAdd(value.GetType(), FindFormatters);
        var wanted = (mimeTypes is { Count: > 0 } ? mimeTypes : custom?.Preferred ?? [Html]).Append(Plain).Distinct();
        var bundle = new Dictionary<string, string>();
        foreach (var mime in wanted)
            bundle[mime] = custom?.TryFormat(value!, mime) ?? Builtin(value, mime);
        return bundle;
    }

    private string Builtin(object? value, string mime)
    {
        if (mime == Html && PlotlyCharts && value is Plotly.NET.GenericChart chart)
            return ChartHtml(chart);
        var text = PlainText(value);
        return mime == Html ? $"<div class=\"dni-plaintext\"><pre>{WebUtility.HtmlEncode(text)}</pre></div>" : text;
    }

    // As Plotly.NET.Interactive does: the chart's own HTML, loading plotly.js from its CDN with require.js.
    private static string ChartHtml(Plotly.NET.GenericChart chart)
    {
        var plotlyJs = Plotly.NET.PlotlyJSReference.NewRequire($"https://cdn.plot.ly/plotly-{Globals.PLOTLYJS_VERSION}.min");
        var withRequire = Plotly.NET.Chart.withDisplayOptionsStyle(null, null, null, null, null, null, FSharpOption<Plotly.NET.PlotlyJSReference>.Some(plotlyJs));
        return Plotly.NET.GenericChart.toChartHTML(withRequire.Invoke(chart));
    }

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
