using ILGPU;
using ILGPU.Runtime;

namespace Rethink.Kernels.InnerProducts;

/// <summary>
/// Inner products whose values also live on an accelerator, where a stream accumulated them: a device on the same
/// accelerator copies them there (device to device) instead of from the host.
/// </summary>
public interface IResidentInnerProducts : IInnerProducts
{
    /// <summary>The accelerator holding the values.</summary>
    Accelerator Accelerator { get; }

    /// <summary>Whether the values on the accelerator are of type <typeparamref name="T"/>.</summary>
    bool Holds<T>() where T : unmanaged;

    /// <summary>Columns [first, first + count) on the accelerator: count·Rows values, column-major (the whole matrix, symmetric ones included).</summary>
    ArrayView1D<T, Stride1D.Dense> DeviceColumns<T>(int first, int count) where T : unmanaged;
}
