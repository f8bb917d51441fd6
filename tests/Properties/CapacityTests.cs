using System.Reflection;
using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// `kernels capacity`: the largest n a device solves is found by asking the device's own memory check, so it must be
/// the largest n that check accepts. Against a device with a fixed budget of B bytes (8-byte values), the reference is
/// the quadratic n² + n(d + 3c) ≤ B/8 solved in closed form.
/// </summary>
public sealed class CapacityTests
{
    /// <summary>An <see cref="IDenseDevice"/> whose only working member is a memory check against a fixed budget.</summary>
    public class BudgetDevice : DispatchProxy
    {
        public long Budget { get; set; }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method?.Name == nameof(IDenseDevice.EnsureCapacity))
            {
                var request = (MemoryRequest)args![0]!;
                var needed = request.Matrices.Sum(m => m.Rows * m.Columns) * 8;
                if (needed > Budget) throw new InsufficientMemoryException($"{needed} > {Budget}");
                return null;
            }
            throw new NotSupportedException(method?.Name);
        }
    }

    [Theory]
    [InlineData(80e9, 784, 10)]
    [InlineData(141e9, 784, 10)]
    [InlineData(1e6, 0, 1)]
    [InlineData(12e9, 3072, 10)]
    public void The_largest_n_is_the_largest_the_memory_check_accepts(double budget, int dimension, int classes)
    {
        var device = DispatchProxy.Create<IDenseDevice, BudgetDevice>();
        ((BudgetDevice)(object)device).Budget = (long)budget;
        var values = budget / 8;
        var b = dimension + 3.0 * classes;
        var reference = (long)Math.Floor((-b + Math.Sqrt(b * b + 4 * values)) / 2);
        // The closed form in double may be off by one at the boundary: settle it in exact integers.
        bool Fits(long n) => n * n + n * (long)b <= (long)budget / 8;
        while (!Fits(reference)) reference--;
        while (Fits(reference + 1)) reference++;
        Assert.Equal(reference, MinimumNormSolver.LargestN(device, dimension, classes));
    }
}
