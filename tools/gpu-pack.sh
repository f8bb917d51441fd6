#!/usr/bin/env bash
# Prepares the GPU check for a lent GPU (run here, on the development machine):
#   bash tools/gpu-pack.sh
# packs tools/GpuCheck with ../shared/gpu/pack.sh together with MNIST, the CPU's FP64 α for n = 20,000
# (the GPU α is compared with it there), this machine's OpenBLAS, and the hash of the sources
# (gpu-check.sh refuses a stale pack).
# Then on the GPU machine (the `run` tool with carry [".device"]):
#   bash tools/gpu-check.sh 2>&1 | tee $OUT/log
set -euo pipefail
cd "$(dirname "$0")/.."
data=${RETHINK_DATA:-$(cd .. && pwd)/shared/data}
hash=$(bash tools/source-hash.sh)
cache=.device-cache/$hash
reference=$cache/alpha-cpu-fp64-n20000.npy
if [[ ! -s $reference ]]; then
  echo "computing the CPU reference: MNIST n = 20,000, FP64 (a minute or two)"
  mkdir -p "$cache"
  dotnet run --project plots -c Release -- kernels fit --dataset mnist --data "$data" --gamma 0.02 --train 20000 --test 10000 \
    --precision fp64 --method cholesky --device cpu --out "$cache/fit" --save-alpha
  mv "$(ls "$cache"/fit/*-alpha.npy)" "$reference"
fi
../shared/gpu/pack.sh tools/GpuCheck/Rethink.GpuCheck.csproj "$data/mnist"
cp "$reference" .device/data/
# The host's BLAS for the CPU sides of the check (the random-feature convolution, the CPU comparisons):
# the GPU machine's image has no LP64 libblas.so.3, so this machine's OpenBLAS travels with the pack.
openblas=$(ldd "$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)" | awk '/libopenblas/{print $3}')
stage=$(mktemp -d)
cp -L "$openblas" "$(ldd "$openblas" | awk '/libgfortran/{print $3}')" "$stage/"
tar cf - -C "$stage" . | xz -T2 -6 >.device/blas.tar.xz
rm -rf "$stage"
# The [CudaFact] tests (CI skips them), run there by the check: the test assembly and what it needs
# beyond the packed program (xunit's assert and core, FsCheck), not the test runner.
# tests/Properties (the device contract) and tests/Deep (the random-feature stream on the GPU).
dotnet build tests/Properties -c Release >/dev/null
dotnet build tests/Deep -c Release >/dev/null
stage=$(mktemp -d)
for dll in tests/Properties/bin/Release/net10.0/*.dll tests/Deep/bin/Release/net10.0/*.dll; do
  name=$(basename "$dll")
  [[ -e .device/app/$name || -e $stage/$name || $name == Microsoft.* || $name == testhost* || $name == Newtonsoft.* || $name == xunit.runner.* ]] || cp "$dll" "$stage/"
done
tar cf - -C "$stage" . | xz -T2 -6 >.device/tests.tar.xz
rm -rf "$stage"
echo "$hash" > .device/SOURCE
echo "packed source $hash; on the GPU machine: bash tools/gpu-check.sh 2>&1 | tee \$OUT/log"
