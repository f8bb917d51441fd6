namespace Rethink.Kernels;

/// <summary>Floating-point precision of the kernel matrix and the solve.</summary>
public enum Precision
{
    /// <summary>IEEE single precision: half the memory, about 7 digits.</summary>
    Fp32,
    /// <summary>IEEE double precision.</summary>
    Fp64,
}
