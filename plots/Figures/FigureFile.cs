using Rethink.Core;
using ScottPlot;

namespace Rethink.Plots.Figures;

/// <summary>Writes a plot as PNG and SVG side by side, each atomically.</summary>
public static class FigureFile
{
    public static IReadOnlyList<string> Save(Plot plot, string directory, string name, FigureWidth width = FigureWidth.OneColumn)
    {
        var (w, h) = FigureStyle.Size(width);
        var png = Path.Combine(directory, name + ".png");
        var svg = Path.Combine(directory, name + ".svg");
        AtomicFile.WriteAllText(svg, plot.GetSvgXml(w, h));
        plot.ScaleFactor = FigureStyle.PngScale;
        try
        {
            var bytes = plot.GetImageBytes((int)(w * FigureStyle.PngScale), (int)(h * FigureStyle.PngScale), ImageFormat.Png);
            AtomicFile.WriteAllBytes(png, bytes);
        }
        finally
        {
            plot.ScaleFactor = 1;
        }
        return [png, svg];
    }
}
