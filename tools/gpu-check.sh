#!/usr/bin/env bash
# The prepared GPU verification (issue: Kernels on the GPU). On the development machine:
#   ../shared/gpu/pack.sh tools/GpuCheck/Rethink.GpuCheck.csproj ../shared/data/mnist
# then, on the GPU machine (the `run` tool with carry [".device"]):
#   bash tools/gpu-check.sh 2>&1 | tee $OUT/log
# It runs the .NET check (backend checks, GPU vs CPU, full MNIST FP64/FP32, potrf/potrs table) and,
# in the same run, PyTorch's cholesky + cholesky_solve on the same MNIST Gaussian kernel matrices.
set -uo pipefail
cd "$(dirname "$0")/.."
bash .device/run.sh "${1:-10000,20000,40000,60000}" | tee /tmp/rethink-gpu.log
python3 - "${RETHINK_DATA:-.device/data}" <<'PY'
import gzip, os, sys, time, torch
root = sys.argv[1]
path = next(p for p in [os.path.join(root, 'mnist'), root] if os.path.exists(os.path.join(p, 'train-images-idx3-ubyte.gz')))
with gzip.open(os.path.join(path, 'train-images-idx3-ubyte.gz')) as f:
    import numpy as np
    X = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float64) / 255).cuda()
for n in [10000, 20000, 40000, 60000]:
    for dtype in [torch.float64, torch.float32]:
        x = X[:n].to(dtype)
        sq = (x * x).sum(1)
        K = torch.exp(-0.02 * (sq[:, None] + sq[None, :] - 2 * x @ x.T).clamp_min(0))
        Y = torch.randn(n, 10, dtype=dtype, device='cuda')
        torch.cuda.synchronize(); t = time.perf_counter()
        L = torch.linalg.cholesky(K); torch.cuda.synchronize(); tc = time.perf_counter() - t
        t = time.perf_counter(); a = torch.cholesky_solve(Y, L); torch.cuda.synchronize(); ts = time.perf_counter() - t
        print(f"torch_potrf_{str(dtype).split('.')[-1].replace('float64','fp64').replace('float32','fp32')}_{n} {tc:.4f} solve {ts:.4f}")
        del K, L
PY
echo "Compare potrf_<precision>_<n> (Rethink) with torch_potrf_<precision>_<n> above: goal ratio <= 1.0."
