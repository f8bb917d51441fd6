namespace Rethink.Kernels;

/// <summary>Floating-point precision of the kernel matrix and the solve.</summary>
public enum Precision
{
    Fp32,
    Fp64,
}
