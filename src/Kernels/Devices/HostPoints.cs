namespace Rethink.Kernels.Devices;

/// <summary>Points kept in host memory as they are (the managed device; ScaLAPACK replicates X on every process).</summary>
internal sealed record HostPoints(FeatureMatrix X, double[] Norms)
{
    public int Count => X.Rows;
    public int Dimension => X.Columns;
}
