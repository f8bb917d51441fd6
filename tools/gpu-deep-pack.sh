#!/usr/bin/env bash
# Prepares the deep-training check for a lent GPU (run here, on the development machine):
#   bash tools/gpu-deep-pack.sh
# packs tools/GpuDeep with ../shared/gpu/pack.sh (.device/, about 30 MiB) and CIFAR-10 as the 28×28 centre
# crops the paper's protocol trains on (label + crop per record, xz with a delta filter: 17 MB a batch
# instead of 31), in two parts that each travel in one call under the 64 MiB limit: .gpu-part-a (training
# batches 1-3) and .gpu-part-b (batches 4-5 and the test batch). Then three calls back to back (the machine
# stays warm 30 s between calls):
#   run carry [".gpu-part-a"]  command: bash tools/gpu-deep.sh stage
#   run carry [".gpu-part-b"]  command: bash tools/gpu-deep.sh stage
#   run carry [".device"]      command: bash tools/gpu-deep.sh run [budget seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${RETHINK_DATA:-$(cd .. && pwd)/shared/data}/cifar-10-batches-bin
../shared/gpu/pack.sh tools/GpuDeep/Rethink.GpuDeep.csproj "$data/../mnist"
# The host's BLAS for the kernel solver's host side (the GPU machine's image has no LP64 libblas.so.3).
openblas=$(ldd "$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)" | awk '/libopenblas/{print $3}')
stage=$(mktemp -d)
cp -L "$openblas" "$(ldd "$openblas" | awk '/libgfortran/{print $3}')" "$stage/"
tar cf - -C "$stage" . | xz -T2 -6 >.device/blas.tar.xz
rm -rf "$stage"
# The program travels as one xz archive (21 MiB of files, 7 compressed): with MNIST and the BLAS the pack stays
# well under the 64 MiB a call carries. tools/gpu-deep.sh unpacks it.
tar cf - -C .device app | xz -T2 -6 >.device/app.tar.xz && rm -rf .device/app
bash tools/source-hash.sh >.device/SOURCE
# The CIFAR-10 parts depend only on the data: made once.
if [[ $(ls .gpu-part-a/*.crop.xz .gpu-part-b/*.crop.xz 2>/dev/null | wc -l) == 6 ]]; then du -sm .device .gpu-part-a .gpu-part-b; exit 0; fi
rm -rf .gpu-part-a .gpu-part-b && mkdir -p .gpu-part-a .gpu-part-b
/usr/bin/python3 - "$data" <<'PY'
import subprocess, sys, numpy as np
source = sys.argv[1]
parts = {'data_batch_1': 'a', 'data_batch_2': 'a', 'data_batch_3': 'a', 'data_batch_4': 'b', 'data_batch_5': 'b', 'test_batch': 'b'}
for name, part in parts.items():
    raw = np.fromfile(f'{source}/{name}.bin', np.uint8).reshape(-1, 3073)
    crop = raw[:, 1:].reshape(-1, 3, 32, 32)[:, :, 2:30, 2:30].reshape(len(raw), -1)
    data = np.concatenate([raw[:, :1], crop], 1).tobytes()
    with open(f'.gpu-part-{part}/{name}.crop.xz', 'wb') as f:
        subprocess.run(['xz', '-T2', '--delta=dist=1', '--lzma2=preset=9', '-c'], input=data, stdout=f, check=True)
PY
du -sm .device .gpu-part-a .gpu-part-b
