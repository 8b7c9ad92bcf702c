using System.Globalization;
using System.Net;
using System.Text;

namespace Adjoint.Traces;

/// <summary>A table as text cells: what every trace turns into before it is rendered.</summary>
/// <param name="Title">A heading above the table.</param>
/// <param name="Headers">Column headings.</param>
/// <param name="Rows">The cells, one array per row.</param>
/// <param name="NumberColumns">Columns holding numbers: right-aligned.</param>
internal sealed record TextTable(string Title, string[] Headers, IReadOnlyList<string[]> Rows, int[] NumberColumns);

/// <summary>
/// The one renderer behind every trace: plain text with aligned columns, Markdown pipe tables, or
/// styled HTML tables. Forward and reverse traces only say which cells they have.
/// </summary>
internal static class TableRenderer
{
    /// <summary>A small style sheet, scoped to the class the tables carry, so a notebook's own styles are untouched.</summary>
    internal const string Style =
        "<style>" +
        "table.adjoint-trace{border-collapse:collapse;margin:0.4em 0 1em 0;font-size:13px}" +
        "table.adjoint-trace caption{caption-side:top;text-align:left;font-weight:bold;padding:0.2em 0}" +
        "table.adjoint-trace th,table.adjoint-trace td{border:1px solid #ccc;padding:2px 8px;text-align:left}" +
        "table.adjoint-trace th{background:#f0f0f0}" +
        "table.adjoint-trace td.num{text-align:right;font-family:monospace}" +
        "table.adjoint-trace td.math{font-family:'Cambria Math','STIX Two Math','DejaVu Serif',serif}" +
        "table.adjoint-trace tr.y td{border-top:2px solid #888}" +
        "</style>";

    public static string Render(IReadOnlyList<TextTable> tables, TraceFormat format) => format switch
    {
        TraceFormat.Text => string.Join("\n", tables.Select(Text)),
        TraceFormat.Markdown => string.Join("\n", tables.Select(Markdown)),
        TraceFormat.Html => Style + string.Concat(tables.Select(Html)),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private static string Text(TextTable table)
    {
        var widths = table.Headers.Select((h, c) => table.Rows.Select(r => Width(r[c])).Append(Width(h)).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((cell, c) => Pad(cell, widths[c], table.NumberColumns.Contains(c)))).TrimEnd();
        var sb = new StringBuilder();
        sb.Append(table.Title).Append('\n');
        sb.Append(Line(table.Headers)).Append('\n');
        sb.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var row in table.Rows) sb.Append(Line(row)).Append('\n');
        return sb.ToString();
    }

    private static string Markdown(TextTable table)
    {
        static string Cell(string s) => s.Replace("|", "\\|");
        var sb = new StringBuilder();
        sb.Append("**").Append(Cell(table.Title)).Append("**\n\n");
        sb.Append("| ").Append(string.Join(" | ", table.Headers.Select(Cell))).Append(" |\n");
        sb.Append('|').Append(string.Concat(table.Headers.Select((_, c) => table.NumberColumns.Contains(c) ? " ---: |" : " --- |"))).Append('\n');
        foreach (var row in table.Rows) sb.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
        return sb.ToString();
    }

    private static string Html(TextTable table)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<table class=\"adjoint-trace\"><caption>").Append(E(table.Title)).Append("</caption>\n<thead><tr>");
        foreach (var h in table.Headers) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            // The output row (y) and the gradient rows close the table: a rule above sets them apart.
            sb.Append(row[0] == "y" ? "<tr class=\"y\">" : "<tr>");
            for (int c = 0; c < row.Length; c++)
                sb.Append(table.NumberColumns.Contains(c) ? "<td class=\"num\">" : "<td class=\"math\">").Append(E(row[c])).Append("</td>");
            sb.Append("</tr>\n");
        }
        return sb.Append("</tbody></table>\n").ToString();
    }

    /// <summary>How many columns a string takes in a terminal: combining marks (the dot of v̇, the bar of v̄) take none.</summary>
    internal static int Width(string s) =>
        s.Count(ch => CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark);

    private static string Pad(string s, int width, bool right)
    {
        var padding = new string(' ', Math.Max(0, width - Width(s)));
        return right ? padding + s : s + padding;
    }
}
