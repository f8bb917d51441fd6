using System.Runtime.InteropServices;

namespace Rethink.Kernels.Native;

/// <summary>
/// An aligned block of unmanaged memory holding <see cref="Length"/> values of <typeparamref name="T"/>:
/// big kernel matrices live here, beyond the 2³¹-element limit of .NET arrays.
/// </summary>
public sealed unsafe class NativeBuffer<T> : SafeHandle where T : unmanaged
{
    /// <summary>
    /// Allocates <paramref name="length"/> values, 64-byte aligned; throws <see cref="InsufficientMemoryException"/>
    /// when the memory is not there. On Linux a block of 4 MiB or more is aligned to 2 MiB and advised as
    /// transparent huge pages (as numpy advises its large arrays): the first touch of a fresh kernel matrix then
    /// faults once per 2 MiB instead of once per 4 KiB page, which on some virtual machines costs more than the
    /// BLAS product that fills it (see the Gram benchmark, <c>bench kernels DIR --gram</c>).
    /// </summary>
    public NativeBuffer(long length) : base(IntPtr.Zero, ownsHandle: true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        var bytes = (nuint)length * (nuint)sizeof(T);
        var huge = bytes >= HugePages.Threshold && HugePages.Supported;
        var allocated = huge ? HugePages.RoundUp(bytes) : Math.Max(bytes, 64);
        SetHandle((IntPtr)NativeMemory.AlignedAlloc(allocated, huge ? HugePages.Size : 64));
        if (handle == IntPtr.Zero)
            throw new InsufficientMemoryException($"Could not allocate {bytes:N0} bytes of native memory.");
        if (huge) HugePages.Advise((void*)handle, allocated);
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

/// <summary>Transparent huge pages for large native blocks (Linux); elsewhere nothing is advised.</summary>
internal static unsafe partial class HugePages
{
    /// <summary>The huge page size advised for (2 MiB on x86-64 and most arm64 kernels).</summary>
    public const nuint Size = 2u << 20;
    /// <summary>Blocks from this size on are advised (numpy's threshold).</summary>
    public const nuint Threshold = 4u << 20;
    private const int MadvHugepage = 14;

    /// <summary>Whether advice is given: Linux, and not switched off with RETHINK_HUGE_PAGES=0 (for comparisons).</summary>
    public static bool Supported { get; } = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("RETHINK_HUGE_PAGES") != "0";

    /// <summary><paramref name="bytes"/> rounded up to whole huge pages.</summary>
    public static nuint RoundUp(nuint bytes) => (bytes + Size - 1) / Size * Size;

    /// <summary>Advises the block as huge pages; advice the kernel refuses (THP off), or a C library without
    /// madvise, changes nothing but speed.</summary>
    public static void Advise(void* address, nuint bytes)
    {
        try
        {
            _ = madvise(address, bytes, MadvHugepage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    // glibc's soname: "libc.so" is a linker script where libc6-dev is installed, which dlopen refuses.
    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);
}
