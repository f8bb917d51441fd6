namespace Rethink.Kernels.Devices;

/// <summary>Points kept in host memory as they are (the managed device; ScaLAPACK replicates X on every process).</summary>
internal sealed record HostPoints(FeatureMatrix X, double[] Norms) : IDevicePoints
{
    public int Count => X.Rows;
    public int Dimension => X.Columns;
    public void Dispose() { }
}

/// <summary>Precomputed inner products kept in host memory (the streamed random-feature Gram).</summary>
internal sealed record HostProductPoints(InnerProducts.IInnerProducts Products) : IDevicePoints
{
    public int Count => Products.Columns;
    public int Dimension => Products.Dimension;
    public void Dispose() { }
}
