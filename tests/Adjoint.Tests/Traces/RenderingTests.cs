using System.Xml.Linq;
using Adjoint;
using Adjoint.Traces;
using Microsoft.DotNet.Interactive.Formatting;
using static Adjoint.Np;

namespace Adjoint.Tests.Traces;

/// <summary>Every format of the lecture's traces, checked cell by cell, and what a notebook would show.</summary>
public class RenderingTests
{
    private static ForwardModeTrace Forward() => Ad.TraceForward(TraceExamples.LectureFunction, (1.0, 1.0), (1.0, 0.0));
    private static ReverseModeTrace Reverse() => Ad.TraceReverse(TraceExamples.LectureFunction, 1.0, 1.0);

    // The row of c = sin(a) in the forward table, as every format must show it.
    private static readonly string[] RowC = ["v₃", "c", "v₃ = sin(v₁)", "0.841471", "v̇₃ = v̇₁ · cos(v₁)", "0.540302"];

    [Fact]
    public void Text_aligns_columns_under_the_headers()
    {
        var lines = Forward().ToText().Split('\n');
        Assert.Equal("forward mode, seeded with x\u0307₁ = 1, x\u0307₂ = 0", lines[0]);
        Assert.StartsWith("Variable  Name  Primal trace", lines[1]);
        Assert.Matches("^-+  -+  -+", lines[2]);
        var row = lines.Single(l => l.StartsWith("v₃ "));
        Assert.Equal(RowC, row.Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()));
        // Columns line up under the dashes; numbers are right-aligned (the first four columns hold no combining marks,
        // so there one character is one column).
        var dashes = System.Text.RegularExpressions.Regex.Matches(lines[2], "-+").ToList();
        var value = dashes[3];
        var trace = Forward();
        for (int i = 0; i < trace.Rows.Count; i++)
        {
            var line = lines[3 + i];
            Assert.Equal(trace.Rows[i].Operation, line.Substring(dashes[2].Index, dashes[2].Length).TrimEnd());
            Assert.Equal(MathText.Value(trace.Rows[i].Value), line.Substring(value.Index, value.Length).TrimStart());
            Assert.NotEqual(' ', line[value.Index + value.Length - 1]);
        }
        Assert.Equal("y", lines.Where(l => l.Length > 0).Last().Split(' ')[0]);
    }

    [Fact]
    public void Markdown_is_a_pipe_table_with_every_row()
    {
        var lines = Forward().ToMarkdown().Split('\n');
        Assert.Equal("**forward mode, seeded with x\u0307₁ = 1, x\u0307₂ = 0**", lines[0]);
        Assert.Equal("| Variable | Name | Primal trace | Value | Tangent trace | Tangent |", lines[2]);
        Assert.Equal("| --- | --- | --- | ---: | --- | ---: |", lines[3]);
        Assert.Contains("| " + string.Join(" | ", RowC) + " |", lines);
        Assert.Equal(9, lines.Count(l => l.StartsWith("| v") || l.StartsWith("| y"))); // v₋₁ … v₆ and y
    }

    [Fact]
    public void Markdown_escapes_pipes_in_formulas()
    {
        var md = Ad.TraceForward(x => Abs(x), -2.0, 1.0).ToMarkdown();
        Assert.Contains("| v₁ |  | v₁ = \\|v₀\\| | 2 |", md);
    }

    [Fact]
    public void Html_is_well_formed_with_the_cells_of_each_table()
    {
        var html = Reverse().ToHtml();
        var root = XElement.Parse("<root>" + html + "</root>");
        var tables = root.Elements("table").ToList();
        Assert.Equal(2, tables.Count);
        Assert.All(tables, t => Assert.Equal("adjoint-trace", (string?)t.Attribute("class")));
        Assert.Equal(["Variable", "Name", "Primal trace", "Value", "Adjoint"], tables[0].Descendants("th").Select(th => th.Value));
        var rows = tables[0].Element("tbody")!.Elements("tr").Select(tr => tr.Elements("td").Select(td => td.Value).ToArray()).ToList();
        Assert.Equal(9, rows.Count);
        Assert.Equal(["v₁", "a", "v₁ = v₋₁ / v₀", "1"], rows[2][..4]);
        Assert.Equal("y", rows[^1][0]);
        var sweep = tables[1].Element("tbody")!.Elements("tr").Select(tr => tr.Elements("td").Select(td => td.Value).ToArray()).ToList();
        Assert.Equal(13, sweep.Count);
        Assert.Equal(["5", "v̄₄", "d", "v̄₄ = v̄₄ + v̄₅"], sweep[4][..4]);
        Assert.Equal(MathText.Number(Reverse().Gradients[1].Item), sweep[^1][4]);
    }

    [Fact]
    public void A_notebook_shows_a_trace_as_its_html_table()
    {
        var trace = Reverse();
        Assert.Equal(trace.ToHtml(), trace.ToDisplayString("text/html"));
        object forward = Forward();
        Assert.Contains("<table class=\"adjoint-trace\">", forward.ToDisplayString("text/html"));
        Assert.Equal(Forward().ToText(), forward.ToDisplayString("text/plain"));
    }

    [Fact]
    public void A_notebook_shows_a_graph_as_svg_and_a_traced_program_as_its_listing()
    {
        // The kernel escapes a string shown as text/html, so graphs must reach it as image/svg+xml.
        var graph = Reverse().Graph;
        Assert.Equal(["image/svg+xml", "text/plain"], Formatter.GetPreferredMimeTypesFor(graph.GetType()));
        Assert.Equal(graph.ToSvg(), graph.ToDisplayString("image/svg+xml"));

        var program = Ad.MakeGraph((Tensor x) => Sum(Sin(x) * x))(Array(1.0, 2.0));
        Assert.Equal(["text/plain"], Formatter.GetPreferredMimeTypesFor(program.GetType()));
        Assert.Equal(program.ToString(), program.ToDisplayString("text/plain"));
        Assert.Contains("sin", program.ToDisplayString("text/plain"));
    }

    [Fact]
    public void A_notebook_shows_small_tensors_in_full_and_large_ones_summarised()
    {
        var small = Array(new[,] { { 1.0, 2.0 }, { 3.0, 4.5 } });
        var html = small.ToDisplayString("text/html");
        var table = XElement.Parse("<root>" + html + "</root>").Descendants("table").Single();
        Assert.Equal(["1.0", "2.0", "3.0", "4.5"], table.Descendants("td").Select(td => td.Value));
        Assert.Contains("shape (2, 2)", html);

        var large = Arange(5000);
        var summary = large.ToDisplayString("text/html");
        Assert.Contains("<pre>", summary);
        Assert.Contains("...", summary);
        Assert.DoesNotContain("<td", summary);
        Assert.Equal(small.ToString(), small.ToDisplayString("text/plain"));
    }

    [Fact]
    public void The_lecture_report_holds_both_forward_tables_and_the_reverse_tables()
    {
        var text = TraceExamples.Find("LECTURE")!.Report(TraceFormat.Text);
        Assert.Contains("seeded with x\u0307₁ = 1, x\u0307₂ = 0", text);
        Assert.Contains("seeded with x\u0307₁ = 0, x\u0307₂ = 1", text);
        Assert.Contains("backward sweep in the order it runs", text);
        var html = TraceExamples.Lecture.Report(TraceFormat.Html);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<svg", html);
        Assert.StartsWith("## lecture", TraceExamples.Lecture.Report(TraceFormat.Markdown));
        Assert.Null(TraceExamples.Find("nope"));
    }
}
