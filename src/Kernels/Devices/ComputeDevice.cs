namespace Rethink.Kernels.Devices;

/// <summary>Where a kernel solve is asked to run.</summary>
public enum ComputeDevice
{
    /// <summary>This machine's CPU: native BLAS/LAPACK, or the managed fallback.</summary>
    Cpu,
    /// <summary>The first CUDA GPU; refused with one line when none is usable.</summary>
    Cuda,
    /// <summary>CUDA when a GPU and its libraries load, else the CPU with a one-line warning.</summary>
    Auto,
    /// <summary>ScaLAPACK over the MPI processes this program was launched with (<c>mpirun -np P</c>).</summary>
    Scalapack,
}

/// <summary>
/// The block-cyclic layout of distributed matrices: a <see cref="GridRows"/> × <see cref="GridColumns"/>
/// process grid (null: as square as the process count allows) and square blocks of <see cref="Block"/>.
/// </summary>
public sealed record DistributedLayout(int? GridRows = null, int? GridColumns = null, int Block = 128)
{
    /// <summary>Throws <see cref="Core.UserInputException"/> (parameter "Layout" or "Block") for a grid or block out of range.</summary>
    public void Validate()
    {
        if (GridRows is < 1 || GridColumns is < 1) throw new Core.UserInputException("Layout", $"{GridRows}x{GridColumns}", "both sides of the grid must be at least 1.");
        if ((GridRows is null) != (GridColumns is null)) throw new Core.UserInputException("Layout", $"{GridRows}x{GridColumns}", "a grid needs both sides, e.g. 2x2.");
        if (Block is < 1 or > 4096) throw new Core.UserInputException("Block", Block, "the block size must lie in 1..4096 (64 to 256 is typical).");
    }

    /// <summary>"RxC" → rows and columns; throws <see cref="Core.UserInputException"/> (parameter "Layout") otherwise.</summary>
    public static (int Rows, int Columns) ParseGrid(string text)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], out var r) && int.TryParse(parts[1], out var c) && r > 0 && c > 0) return (r, c);
        throw new Core.UserInputException("Layout", text, "write ROWSxCOLUMNS with positive numbers, e.g. 2x2.");
    }
}
