using System.CommandLine;
using Adjoint;
using Adjoint.Traces;
using Course;
using static Adjoint.Ad;

namespace Kit.Figures;

/// <summary>
/// <c>kit figures</c>: regenerates the images the notebooks show, from the library itself. Charts
/// are rendered to PNG with headless Chromium (Debian's <c>chromium</c>); graphs are SVG drawn by
/// the traces library and rendered to PNG the same way.
/// </summary>
public static class FiguresCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write the figures to.", DefaultValueFactory = _ => "figures" };
        var chromium = new Option<string>("--chromium") { Description = "Chromium binary used to render PNGs.", DefaultValueFactory = _ => "/usr/bin/chromium" };
        var command = new Command("figures", "Regenerate the course's figures (PNG, and SVG for graphs).") { output, chromium };
        command.SetAction(r => Write(r.GetValue(output)!, r.GetValue(chromium)!));
        return command;
    }

    private static readonly (string Name, Func<Chart> Build)[] Charts =
    [
        ("hessian", () => GaussianHessianChart()),
        ("orderings_timing", () => Course.Figures.OrderingsTiming()),
        ("gaussian_fit", () => Course.Figures.GaussianObservationFit()),
    ];

    public static int Write(string folder, string chromium)
    {
        Directory.CreateDirectory(folder);
        if (!File.Exists(chromium))
        {
            Console.Error.WriteLine($"kit figures: Chromium not found at {chromium} (apt-get install chromium); PNGs cannot be rendered.");
            return 2;
        }
        var scratch = Directory.CreateTempSubdirectory("kit-figures-");
        try
        {
            var svg = TraceExamples.Lecture.Reverse().Graph.ToSvg();
            WriteAtomically(Path.Combine(folder, "reverse_mode_autodiff.svg"), path => File.WriteAllText(path, svg));
            var svgPage = Path.Combine(scratch.FullName, "reverse_mode_autodiff.html");
            File.WriteAllText(svgPage, $"<html><body style=\"margin:0;background:white\">{svg}</body></html>");
            var (svgWidth, svgHeight) = SvgSize(svg);
            Render(svgPage, Path.Combine(folder, "reverse_mode_autodiff.png"), svgWidth, svgHeight, chromium);

            foreach (var (name, build) in Charts)
            {
                var chart = build();
                var html = Course.Charts.SaveHtml(chart, Path.Combine(scratch.FullName, name + ".html"));
                Render(html, Path.Combine(folder, name + ".png"), chart.Width, chart.Height, chromium);
            }
            return 0;
        }
        finally { scratch.Delete(recursive: true); }
    }

    /// <summary>The width and height attributes of the root element, so the PNG has no empty margin.</summary>
    private static (int Width, int Height) SvgSize(string svg)
    {
        var root = System.Xml.Linq.XElement.Parse(svg);
        static int Read(System.Xml.Linq.XElement e, string name) =>
            (int)Math.Ceiling(double.Parse(((string?)e.Attribute(name) ?? "800").TrimEnd('p', 'x'), System.Globalization.CultureInfo.InvariantCulture));
        return (Read(root, "width"), Read(root, "height"));
    }

    /// <summary>The Hessian of the Gaussian/Cauchy likelihood at the true parameters, labelled with the parameter names.</summary>
    public static Chart GaussianHessianChart(int n = 200)
    {
        var likelihood = new GaussLikelihood(GaussModel.Simulate(n));
        var hessian = Hessian(likelihood.Nll)(Np.Array([.. GaussModel.TrueParameters])).ToArray2D();
        return Course.Charts.MatrixHeatmap(hessian, GaussModel.ParameterNames,
            $"H_ij = ∂²NLL/∂p_i∂p_j at the truth ({n}×{n} image)");
    }

    private static void Render(string page, string png, int width, int height, string chromium)
    {
        WriteAtomically(png, temp =>
        {
            if (!Course.Charts.RenderPng(page, temp, width, height, chromium))
                throw new InvalidOperationException($"kit figures: Chromium could not render {page}.");
        });
        Console.WriteLine($"wrote {png}");
    }

    /// <summary>Writes through a temporary file in the same folder, then renames: no half-written figure.</summary>
    private static void WriteAtomically(string path, Action<string> write)
    {
        var temp = path + ".tmp" + Path.GetExtension(path);
        write(temp);
        File.Move(temp, path, overwrite: true);
    }
}
