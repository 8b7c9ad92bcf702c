using System.Reflection;
using System.Runtime.Loader;
using System.Text;

namespace Course;

/// <summary>
/// Runs Plotly.NET where it cannot clash with the notebook kernel. Plotly.NET 6 needs FSharp.Core
/// 10.1; the .NET Interactive kernel is partly F# and has FSharp.Core 10.0 loaded before the first
/// cell, so loading Plotly.NET beside it fails. Course.dll carries the bridge (Course.Plotly) and
/// its dependencies as embedded resources and loads them into a load context of their own, where
/// they see their own FSharp.Core; only strings cross over (the chart description in, the figure
/// JSON and plotly.js out). Framework assemblies are shared with the default context.
/// </summary>
public static class PlotlyHost
{
    private const string ResourcePrefix = "plotly/";
    private static readonly Lazy<Bridge> Loaded = new(Load);
    private static int _scriptEmitted;

    /// <summary>The plotly.js version the charts use.</summary>
    public static string PlotlyJsVersion => Loaded.Value.Version;

    /// <summary>The Plotly figure JSON (<c>{"data": ..., "layout": ...}</c>) for <paramref name="chart"/>.</summary>
    public static string FigureJson(Chart chart) => Loaded.Value.FigureJson(chart.ToSpecJson());

    /// <summary>
    /// Makes the next chart embed plotly.js again. A notebook kernel is one process per notebook, so
    /// the first chart of the process carries the script; a host that runs several notebooks in one
    /// process (<c>kit run</c>) calls this when it starts the next one.
    /// </summary>
    public static void StartDocument() => Interlocked.Exchange(ref _scriptEmitted, 0);

    internal static string NotebookHtml(Chart chart)
    {
        var id = $"adjoint-chart-{Guid.NewGuid():N}";
        var html = new StringBuilder();
        if (Interlocked.Exchange(ref _scriptEmitted, 1) == 0) html.Append(ScriptTag());
        html.Append($"<div id=\"{id}\" style=\"width:{chart.Width}px;height:{chart.Height}px\">");
        html.Append(ChartSvg.Render(chart, standalone: false)); // shown where no script runs
        html.Append("</div>\n<script type=\"text/javascript\">\n(function () {\n");
        html.Append($"  var figure = {FigureJson(chart)};\n");
        html.Append($"  var draw = function () {{\n    var el = document.getElementById('{id}');\n");
        html.Append("    if (!el) return;\n    if (!window.Plotly) { setTimeout(draw, 50); return; }\n");
        html.Append("    el.innerHTML = '';\n    window.Plotly.newPlot(el, figure.data, figure.layout, {responsive: true, displaylogo: false});\n  };\n");
        html.Append("  draw();\n})();\n</script>");
        return html.ToString();
    }

    internal static string StandaloneHtml(Chart chart) =>
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/>" + ScriptTag() + "</head><body style=\"margin:0\">\n" +
        $"<div id=\"chart\" style=\"width:{chart.Width}px;height:{chart.Height}px\"></div>\n<script type=\"text/javascript\">\n" +
        $"var figure = {FigureJson(chart)};\n" +
        "Plotly.newPlot('chart', figure.data, figure.layout, {staticPlot: false, displayModeBar: false});\n</script>\n</body></html>\n";

    // plotly.js is a UMD bundle: where the page has an AMD loader (Jupyter's require.js) it would register
    // a module instead of setting window.Plotly, so hide the loader while it runs.
    private static string ScriptTag() =>
        "<script type=\"text/javascript\">\n(function () {\nvar define = undefined, module = undefined, exports = undefined;\n" +
        Loaded.Value.PlotlyJs.Value.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase) +
        "\n}).call(window);\n</script>\n";

    private sealed record Bridge(Func<string, string> FigureJson, Lazy<string> PlotlyJs, string Version);

    private static Bridge Load()
    {
        var context = new EmbeddedLoadContext(typeof(PlotlyHost).Assembly);
        var bridge = context.LoadFromAssemblyName(new AssemblyName("Course.Plotly")).GetType("Course.Plotly.PlotlyBridge", throwOnError: true)!;
        string Call(string method, params object[] args) => (string)bridge.GetMethod(method)!.Invoke(null, args)!;
        return new Bridge(spec => Call("FigureJson", spec), new Lazy<string>(() => Call("PlotlyJs")), Call("PlotlyJsVersion"));
    }

    /// <summary>Resolves assemblies from <paramref name="carrier"/>'s embedded <c>plotly/*.dll</c> resources.</summary>
    private sealed class EmbeddedLoadContext(Assembly carrier) : AssemblyLoadContext("Course.Plotly", isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            using var stream = carrier.GetManifestResourceStream($"{ResourcePrefix}{name.Name}.dll");
            return stream is null ? null : LoadFromStream(stream); // null: the default context's (framework) assembly
        }
    }
}
