using ScottPlot;

namespace Rethink.Plots.Figures;

/// <summary>Paper widths for figures.</summary>
public enum FigureWidth
{
    /// <summary>One column of a two-column paper, 3.5 in.</summary>
    OneColumn,
    /// <summary>Full text width of a two-column paper, 7 in.</summary>
    TwoColumn,
}

/// <summary>
/// Shared look of every figure: sized for papers, and readable in grayscale — each series differs in
/// line pattern and marker shape as well as in (dark, colour-blind-safe) colour.
/// </summary>
public static class FigureStyle
{
    /// <summary>PNG pixels per logical pixel: 3.5 in at 96 logical px/in gives 1008 px (288 dpi).</summary>
    public const double PngScale = 3.0;

    private static readonly Color[] Colors =
    [
        ScottPlot.Color.FromHex("#000000"), ScottPlot.Color.FromHex("#0072B2"), ScottPlot.Color.FromHex("#D55E00"),
        ScottPlot.Color.FromHex("#009E73"), ScottPlot.Color.FromHex("#6A3D9A"), ScottPlot.Color.FromHex("#7F7F7F"),
    ];

    private static readonly LinePattern[] Patterns =
        [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed, LinePattern.Solid, LinePattern.Dashed];

    private static readonly MarkerShape[] Markers =
        [MarkerShape.FilledCircle, MarkerShape.OpenSquare, MarkerShape.FilledTriangleUp, MarkerShape.OpenDiamond, MarkerShape.Cross, MarkerShape.OpenCircle];

    /// <summary>A one-column panel's printed width in inches (3.5 unless a render asks for another, per async flow).</summary>
    private static readonly AsyncLocal<double?> PrintInches = new();

    /// <summary>Draws the figures of this flow for panels printed <paramref name="inches"/> wide (null: 3.5) until disposed.</summary>
    public static IDisposable PrintedAt(double? inches)
    {
        var previous = PrintInches.Value;
        PrintInches.Value = inches;
        return new Restore(() => PrintInches.Value = previous);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>Logical size (96 per inch; fonts in points at that scale): a 3.5-inch column, or the width a render asked for, at 4:3; two columns at 7:3.</summary>
    public static (int Width, int Height) Size(FigureWidth width)
    {
        var inches = PrintInches.Value ?? 3.5;
        return width switch
        {
            FigureWidth.TwoColumn => ((int)Math.Round(inches * 192), (int)Math.Round(inches * 192 * 3 / 7)),
            _ => ((int)Math.Round(inches * 96), (int)Math.Round(inches * 72)),
        };
    }

    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, size: 11);
        plot.XLabel(xLabel, size: 10);
        plot.YLabel(yLabel, size: 10);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 9;
        plot.Axes.Left.TickLabelStyle.FontSize = 9;
        plot.Legend.FontSize = 8;
        return plot;
    }

    /// <summary>Colour, pattern and marker of the i-th series; <paramref name="lines"/> false draws markers only.</summary>
    public static void Apply(ScottPlot.Plottables.Scatter scatter, int index, bool markers = true, bool lines = true)
    {
        scatter.Color = Colors[index % Colors.Length];
        scatter.LinePattern = Patterns[index % Patterns.Length];
        scatter.LineWidth = lines ? 1.5f : 0f;
        scatter.MarkerShape = markers ? Markers[index % Markers.Length] : MarkerShape.None;
        scatter.MarkerSize = markers ? 5 : 0;
    }

    /// <summary>
    /// Shows the legend in a corner (or edge middle) of the data area that the plotted data cross least (lines are
    /// sampled between their points), so no series hides behind it, <paramref name="preferred"/> first;
    /// below the axes when every corner is crossed.
    /// Call after every series and axis limit is set.
    /// </summary>
    public static void PlaceLegend(Plot plot, Alignment preferred, FigureWidth width = FigureWidth.OneColumn)
    {
        var (w, h) = Size(width);
        plot.GetImage(w, h); // lays the plot out, so the limits below are the drawn ones
        var limits = plot.Axes.GetLimits();
        var points = DrawnPoints(plot, limits).ToList();
        var items = plot.GetPlottables().Sum(p => p.LegendItems.Count(i => !string.IsNullOrEmpty(i.LabelText)));
        var boxWidth = 0.5;
        var boxHeight = Math.Min(0.8, 0.06 + 0.085 * items);
        Alignment[] corners = [preferred, Alignment.UpperRight, Alignment.UpperLeft, Alignment.LowerRight, Alignment.LowerLeft,
            Alignment.MiddleRight, Alignment.MiddleLeft, Alignment.UpperCenter, Alignment.LowerCenter];
        var free = corners.Where(corner => !points.Any(p => InCorner(corner, (p.X - limits.Left) / limits.HorizontalSpan,
            (p.Y - limits.Bottom) / limits.VerticalSpan, boxWidth, boxHeight))).ToList();
        if (free.Count > 0) plot.ShowLegend(free[0]);
        else plot.ShowLegend(Edge.Bottom); // every corner is crossed: below the axes, outside the data
    }

    private static bool InCorner(Alignment corner, double x, double y, double width, double height) => corner switch
    {
        Alignment.UpperRight => x >= 1 - width && y >= 1 - height,
        Alignment.UpperLeft => x <= width && y >= 1 - height,
        Alignment.LowerRight => x >= 1 - width && y <= height,
        Alignment.LowerLeft => x <= width && y <= height,
        Alignment.MiddleRight => x >= 1 - width && Math.Abs(y - 0.5) <= height / 2,
        Alignment.MiddleLeft => x <= width && Math.Abs(y - 0.5) <= height / 2,
        Alignment.UpperCenter => Math.Abs(x - 0.5) <= width / 2 && y >= 1 - height,
        Alignment.LowerCenter => Math.Abs(x - 0.5) <= width / 2 && y <= height,
        _ => false,
    };

    private static IEnumerable<Coordinates> DrawnPoints(Plot plot, AxisLimits limits)
    {
        foreach (var plottable in plot.GetPlottables())
            switch (plottable)
            {
                case ScottPlot.Plottables.Scatter scatter:
                    var data = scatter.Data.GetScatterPoints();
                    for (var i = 0; i < data.Count; i++)
                    {
                        yield return data[i];
                        if (i + 1 < data.Count && scatter.LineWidth > 0)
                            for (var t = 1; t < 20; t++)
                                yield return new Coordinates(data[i].X + (data[i + 1].X - data[i].X) * t / 20.0, data[i].Y + (data[i + 1].Y - data[i].Y) * t / 20.0);
                    }
                    break;
                case ScottPlot.Plottables.HorizontalLine line:
                    for (var t = 0; t <= 40; t++) yield return new Coordinates(limits.Left + limits.HorizontalSpan * t / 40.0, line.Y);
                    break;
                case ScottPlot.Plottables.Marker marker:
                    yield return marker.Location;
                    break;
            }
    }

    public static Color SeriesColor(int index) => Colors[index % Colors.Length];

    /// <summary>Shows the left axis on a log scale; <paramref name="log10Values"/> are the plotted (log10) values.</summary>
    public static void LogY(Plot plot, IEnumerable<double> log10Values) => plot.Axes.Left.TickGenerator = LogTicks(log10Values);

    /// <summary>
    /// Shows the bottom axis on a log scale; <paramref name="log10Values"/> are the plotted (log10) values.
    /// A handful of distinct x values (the sizes of an experiment) are labelled themselves.
    /// </summary>
    public static void LogX(Plot plot, IEnumerable<double> log10Values)
    {
        var distinct = log10Values.Where(double.IsFinite).Distinct().Order().ToList();
        if (distinct.Count is 0 or > 8)
        {
            plot.Axes.Bottom.TickGenerator = LogTicks(distinct);
            return;
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var v in distinct) ticks.AddMajor(v, Label(Math.Round(Math.Pow(10, v), 6)));
        foreach (var tick in LogTicks(distinct) is ScottPlot.TickGenerators.NumericManual all ? all.Ticks : [])
            if (distinct.All(v => Math.Abs(v - tick.Position) > 1e-9)) ticks.AddMinor(tick.Position);
        plot.Axes.Bottom.TickGenerator = ticks;
    }

    /// <summary>
    /// Ticks for log10-transformed data: labelled at 1, 2 and 5 × 10^k when the data span less than
    /// three decades, at powers of ten otherwise, with minor ticks at the other integers × 10^k.
    /// </summary>
    public static ScottPlot.ITickGenerator LogTicks(IEnumerable<double> log10Values)
    {
        var finite = log10Values.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return new ScottPlot.TickGenerators.NumericAutomatic();
        var (lo, hi) = (finite.Min(), finite.Max());
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var fine = hi - lo < 3;
        for (var decade = (int)Math.Floor(lo) - 1; decade <= (int)Math.Ceiling(hi) + 1; decade++)
            for (var m = 1; m <= 9; m++)
            {
                var position = decade + Math.Log10(m);
                if (position < lo - 0.5 || position > hi + 0.5) continue;
                if (m == 1 || fine && (m == 2 || m == 5)) ticks.AddMajor(position, Label(m * Math.Pow(10, decade)));
                else ticks.AddMinor(position);
            }
        return ticks;
    }

    private static string Label(double v) => v is >= 0.01 and < 100_000
        ? v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)
        : v.ToString("0e0", System.Globalization.CultureInfo.InvariantCulture);
}
