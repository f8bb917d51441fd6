namespace Rethink.Kernels.Cuda;

/// <summary>A CUDA runtime, cuBLAS or cuSOLVER call returned an error status: its number, its name, and a hint.</summary>
public sealed class CudaException(string library, string call, int status, string name, string hint)
    : Exception($"{library} {call} failed: {name} ({status}). {hint}")
{
    /// <summary>The library: CUDA runtime, cuBLAS or cuSOLVER.</summary>
    public string Library { get; } = library;
    /// <summary>The call that failed.</summary>
    public string Call { get; } = call;
    /// <summary>Its status number.</summary>
    public int Status { get; } = status;
    /// <summary>The status's name, e.g. CUBLAS_STATUS_ALLOC_FAILED.</summary>
    public string StatusName { get; } = name;

    /// <summary>Throws a <see cref="CudaException"/> with the status's name and a hint unless <paramref name="status"/> is 0 (success).</summary>
    public static void ThrowIfFailed(string library, string call, int status)
    {
        if (status == 0) return;
        var (name, hint) = library switch
        {
            "cublas" => Cublas(status),
            "cusolver" => Cusolver(status),
            _ => Runtime(status),
        };
        throw new CudaException(library, call, status, name, hint);
    }

    private static (string, string) Cublas(int s) => s switch
    {
        1 => ("CUBLAS_STATUS_NOT_INITIALIZED", "The cuBLAS handle was not created or the driver is missing."),
        3 => ("CUBLAS_STATUS_ALLOC_FAILED", "cuBLAS could not allocate GPU memory: use fewer training points or FP32 precision."),
        7 => ("CUBLAS_STATUS_INVALID_VALUE", "An argument was out of range (a bug in the caller; please report it)."),
        8 => ("CUBLAS_STATUS_ARCH_MISMATCH", "The GPU lacks a feature this call needs."),
        11 => ("CUBLAS_STATUS_MAPPING_ERROR", "A device pointer was not valid in this context; bind the accelerator first."),
        13 => ("CUBLAS_STATUS_EXECUTION_FAILED", "The kernel failed to run on the GPU (driver or hardware error)."),
        14 => ("CUBLAS_STATUS_INTERNAL_ERROR", "An internal cuBLAS error, often a failed memory copy or an earlier asynchronous fault."),
        15 => ("CUBLAS_STATUS_NOT_SUPPORTED", "This operation or its parameters are not supported by this cuBLAS."),
        16 => ("CUBLAS_STATUS_LICENSE_ERROR", "cuBLAS reported a licence problem."),
        _ => ($"cublasStatus {s}", "Unknown cuBLAS status; see the cuBLAS documentation."),
    };

    private static (string, string) Cusolver(int s) => s switch
    {
        1 => ("CUSOLVER_STATUS_NOT_INITIALIZED", "The cuSOLVER handle was not created or the driver is missing."),
        2 => ("CUSOLVER_STATUS_ALLOC_FAILED", "cuSOLVER could not allocate memory: use fewer training points or FP32 precision."),
        3 => ("CUSOLVER_STATUS_INVALID_VALUE", "An argument was out of range (a bug in the caller; please report it)."),
        4 => ("CUSOLVER_STATUS_ARCH_MISMATCH", "The GPU lacks a feature this routine needs."),
        6 => ("CUSOLVER_STATUS_EXECUTION_FAILED", "The routine failed to run on the GPU."),
        7 => ("CUSOLVER_STATUS_INTERNAL_ERROR", "An internal cuSOLVER error, often from an earlier asynchronous fault."),
        8 => ("CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED", "This matrix type is not supported."),
        9 => ("CUSOLVER_STATUS_NOT_SUPPORTED", "This operation or data type is not supported by this cuSOLVER."),
        _ => ($"cusolverStatus {s}", "Unknown cuSOLVER status; see the cuSOLVER documentation."),
    };

    private static (string, string) Runtime(int s) => s switch
    {
        1 => ("cudaErrorInvalidValue", "An argument was out of range."),
        2 => ("cudaErrorMemoryAllocation", "Out of GPU memory: use fewer training points or FP32 precision."),
        3 => ("cudaErrorInitializationError", "The CUDA driver could not initialize."),
        35 => ("cudaErrorInsufficientDriver", "The driver is older than this CUDA runtime: update the NVIDIA driver."),
        100 => ("cudaErrorNoDevice", "No CUDA-capable GPU is visible (check CUDA_VISIBLE_DEVICES)."),
        700 => ("cudaErrorIllegalAddress", "A kernel accessed an invalid address (a bug; please report it)."),
        _ => ($"cudaError {s}", "See the CUDA runtime documentation for this error code."),
    };
}
