using ILGPU;
using ILGPU.Runtime;

namespace Rethink.Kernels.Devices;

/// <summary>Reinterpreting a view whose element type is known only at run time.</summary>
public static class Views
{
    /// <summary>The view as <typeparamref name="TTo"/>, which it must already be.</summary>
    public static ArrayView1D<TTo, Stride1D.Dense> As<TFrom, TTo>(ArrayView1D<TFrom, Stride1D.Dense> view) where TFrom : unmanaged where TTo : unmanaged
    {
        if (typeof(TFrom) != typeof(TTo)) throw new InvalidCastException($"View of {typeof(TFrom).Name} used as {typeof(TTo).Name}.");
        return System.Runtime.CompilerServices.Unsafe.As<ArrayView1D<TFrom, Stride1D.Dense>, ArrayView1D<TTo, Stride1D.Dense>>(ref view);
    }

    /// <summary>The device address of the view's first element (for native libraries: cuBLAS).</summary>
    public static nint Address<T>(ArrayView1D<T, Stride1D.Dense> view) where T : unmanaged => view.BaseView.LoadEffectiveAddressAsPtr();
}
