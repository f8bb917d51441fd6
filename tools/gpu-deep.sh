#!/usr/bin/env bash
# On the GPU machine (see tools/gpu-deep-pack.sh):
#   bash tools/gpu-deep.sh stage              keeps the carried CIFAR-10 part in /tmp/rethink-cifar-parts
#   bash tools/gpu-deep.sh run [BUDGET_S]     restores CIFAR-10 from the parts, then runs the check: symbol
#                                             check, steps/s per model, full-size Inception rows for BUDGET_S
#                                             seconds from its start (default 400); everything lands in $OUT
#   bash tools/gpu-deep.sh dry                the same here, on the CPU, with tiny sizes
set -uo pipefail
cd "$(dirname "$0")/.."
parts=/tmp/rethink-cifar-parts
out=${OUT:-/tmp/rethink-gpu-deep}
mkdir -p "$parts" "$out"
rows="inception true-labels, all images;inception random-labels, all images;alexnet true-labels, all images;alexnet random-labels, all images"
case ${1:-} in
  stage)
    for d in .gpu-part-a .gpu-part-b; do [[ -d $d ]] && cp $d/* "$parts/"; done
    ls -l "$parts"; df -h /tmp | tail -1 ;;
  run|dry)
    for d in .gpu-part-a .gpu-part-b; do [[ -d $d ]] && cp -n $d/* "$parts/"; done
    data=/tmp/rethink-data/cifar-10-batches-bin; mkdir -p $data/../crops
    for f in "$parts"/*.crop.xz; do xz -dc "$f" >"$data/../crops/$(basename "${f%.xz}")"; done
    ls "$data/../crops"
    if [[ $1 == dry ]]; then
      app=(dotnet tools/GpuDeep/bin/Release/net10.0/rethink-gpu-deep.dll)
      extra=(--device cpu --speed-train 1000 --warmup-steps 3 --timed-steps 10 --models mlp1x512,alexnet)
      rows="mlp1x512 random-labels, all images"
    else
      [[ -x .device/run.sh && -f .device/SOURCE ]] || { echo "gpu-deep: no packed program in .device/: run tools/gpu-deep-pack.sh first" >&2; exit 3; }
      [[ $(cat .device/SOURCE) == "$(bash tools/source-hash.sh)" ]] || { echo "gpu-deep: stale pack: rerun tools/gpu-deep-pack.sh" >&2; exit 3; }
      app=(bash .device/run.sh); extra=()
      nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
    fi
    "${app[@]}" --restore-cifar "$data/../crops" "$data" || exit 4
    export RETHINK_DATA=/tmp/rethink-data
    timeout $(( ${2:-400} + 60 )) "${app[@]}" --out "$out" --scratch /tmp/rethink-gpu-deep-scratch --budget "${2:-400}" --rows "$rows" "${extra[@]}" 2>&1 | tee "$out/log"
    echo "gpu-deep exit status: ${PIPESTATUS[0]}" ;;
  *) echo "usage: gpu-deep.sh stage | run [BUDGET_S] | dry" >&2; exit 2 ;;
esac
