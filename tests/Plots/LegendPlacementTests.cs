using Rethink.Plots.Figures;
using ScottPlot;
using Xunit;

namespace Rethink.Plots.Tests;

/// <summary>The legend goes where no plotted point or line segment lies, else outside the axes.</summary>
public sealed class LegendPlacementTests
{
    private static Plot WithLine(params (double X, double Y)[] points)
    {
        var plot = FigureStyle.NewPlot("t", "x", "y");
        var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        line.LegendText = "series";
        plot.Axes.SetLimits(0, 10, 0, 10);
        return plot;
    }

    [Fact]
    public void PreferredCornerIsKeptWhenFree()
    {
        var plot = WithLine((0, 0), (10, 5));
        FigureStyle.PlaceLegend(plot, Alignment.UpperLeft);
        Assert.True(plot.Legend.IsVisible);
        Assert.Equal(Alignment.UpperLeft, plot.Legend.Alignment);
    }

    [Fact]
    public void CrossedPreferredCornerMovesToAFreeOne()
    {
        // A line along the top edge and down the left edge: only the lower right is free of it.
        var plot = WithLine((0.2, 0.2), (0.2, 9.8), (9.8, 9.8));
        FigureStyle.PlaceLegend(plot, Alignment.UpperRight);
        Assert.Equal(Alignment.LowerRight, plot.Legend.Alignment);
    }

    [Fact]
    public void LineSegmentsCountNotOnlyTheirEndPoints()
    {
        // Two points outside the upper-left corner joined by a segment through it.
        var plot = WithLine((0, 6), (6, 10));
        FigureStyle.PlaceLegend(plot, Alignment.UpperLeft);
        Assert.NotEqual(Alignment.UpperLeft, plot.Legend.Alignment);
    }
}
