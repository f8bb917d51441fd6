using Rethink.Kernels.Native;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// Native buffers: 64-byte aligned for the vector loads of BLAS and the transforms; on Linux, blocks of 4 MiB
/// and more aligned to whole 2 MiB huge pages (the advice covers the whole block), every value writable.
/// </summary>
public sealed class NativeBufferTests
{
    [Fact]
    public unsafe void Small_buffers_are_vector_aligned_and_large_ones_start_on_a_huge_page()
    {
        using (var small = new NativeBuffer<double>(1000))
            Assert.True((long)small.Pointer % 64 == 0, $"a small buffer at 0x{(long)small.Pointer:x} is not 64-byte aligned");
        const long length = (5L << 20) / sizeof(float) + 3; // 5 MiB and a bit: over the 4 MiB threshold, not a whole page
        using var large = new NativeBuffer<float>(length);
        Assert.Equal(length, large.Length);
        var alignment = HugePages.Supported ? (long)HugePages.Size : 64;
        Assert.True((long)large.Pointer % alignment == 0, $"a 5 MiB buffer at 0x{(long)large.Pointer:x} is not aligned to {alignment} bytes");
        for (long i = 0; i < length; i++) large.Pointer[i] = i;
        Assert.Equal(length - 1, large.Pointer[length - 1]);
        Assert.Equal(length / 2, large.Pointer[length / 2]);
    }
}
