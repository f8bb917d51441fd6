using System.Runtime.InteropServices;

namespace Rethink.Kernels.Native;

/// <summary>
/// An aligned block of unmanaged memory holding <see cref="Length"/> values of <typeparamref name="T"/>:
/// big kernel matrices live here, beyond the 2³¹-element limit of .NET arrays.
/// </summary>
public sealed unsafe class NativeBuffer<T> : SafeHandle where T : unmanaged
{
    /// <summary>Allocates <paramref name="length"/> values, 64-byte aligned; throws <see cref="InsufficientMemoryException"/> when the memory is not there.</summary>
    public NativeBuffer(long length) : base(IntPtr.Zero, ownsHandle: true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        var bytes = (nuint)length * (nuint)sizeof(T);
        SetHandle((IntPtr)NativeMemory.AlignedAlloc(Math.Max(bytes, 64), 64));
        if (handle == IntPtr.Zero)
            throw new InsufficientMemoryException($"Could not allocate {bytes:N0} bytes of native memory.");
        GC.AddMemoryPressure((long)bytes);
    }

    /// <summary>The number of values.</summary>
    public long Length { get; }
    /// <summary>The first value.</summary>
    public T* Pointer => (T*)handle;
    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>A span over [start, start + length); length must fit an int.</summary>
    public Span<T> Slice(long start, int length)
    {
        if (start < 0 || length < 0 || start + length > Length) throw new ArgumentOutOfRangeException(nameof(start));
        return new Span<T>(Pointer + start, length);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        GC.RemoveMemoryPressure(Length * sizeof(T));
        return true;
    }
}
