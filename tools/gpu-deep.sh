#!/usr/bin/env bash
# On the GPU machine (see tools/gpu-deep-pack.sh):
#   bash tools/gpu-deep.sh stage              keeps the carried CIFAR-10 part in /tmp/rethink-cifar-parts
#   bash tools/gpu-deep.sh run [BUDGET_S] [ARGS…]  restores CIFAR-10 from the parts (and MNIST from the pack),
#                                             then runs the check: symbol check, steps/s per model, Table 2's cost
#                                             (Inception V3 at 299x299, JPEG decoding), NCCL, the kernel solver on
#                                             MNIST, full-size rows ($GPU_DEEP_ROWS, ';'-separated) for BUDGET_S
#                                             seconds from its start (default 400); ARGS go to the program
#                                             (e.g. --only symbols,imagenet); everything lands in $OUT
#   bash tools/gpu-deep.sh dry                the same here, on the CPU, with tiny sizes
set -uo pipefail
cd "$(dirname "$0")/.."
parts=/tmp/rethink-cifar-parts
out=${OUT:-/tmp/rethink-gpu-deep}
mkdir -p "$parts" "$out"
rows=${GPU_DEEP_ROWS:-"inception true-labels, all images;inception random-labels, all images;alexnet true-labels, all images;alexnet random-labels, all images"}
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
      [[ -d /tmp/rethink-data/mnist ]] || cp -r "${RETHINK_DATA:-$(cd .. && pwd)/shared/data}/mnist" /tmp/rethink-data/
      extra=(--device cpu --speed-train 1000 --warmup-steps 3 --timed-steps 10 --models mlp1x512,alexnet --imagenet-steps 2
        --imagenet-pipeline-steps 3 --imagenet-classes 4 --imagenet-per-class 8 --mnist-n 3000 --large-n 3000)
      rows=${GPU_DEEP_ROWS:-"mlp1x512 random-labels, all images"}
    else
      [[ -x .device/run.sh && -f .device/SOURCE ]] || { echo "gpu-deep: no packed program in .device/: run tools/gpu-deep-pack.sh first" >&2; exit 3; }
      [[ $(cat .device/SOURCE) == "$(bash tools/source-hash.sh)" ]] || { echo "gpu-deep: stale pack: rerun tools/gpu-deep-pack.sh" >&2; exit 3; }
      [[ -d .device/app ]] || xz -dc .device/app.tar.xz | tar xf - -C .device
      app=(bash .device/run.sh); extra=()
      nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
      # MNIST travels in the pack; the host's BLAS too (the image has no LP64 libblas.so.3), as for tools/gpu-check.sh
      [[ -d .device/data/mnist ]] && cp -r .device/data/mnist /tmp/rethink-data/
      if [[ -f .device/blas.tar.xz ]]; then
        lib=/tmp/rethink-blas; mkdir -p $lib && tar xJf .device/blas.tar.xz -C $lib
        ln -sf libopenblas.so.0 $lib/libblas.so.3; ln -sf libopenblas.so.0 $lib/liblapack.so.3
        ldconfig -p | grep -q 'libgfortran.so.5 ' && rm -f $lib/libgfortran.so.5
        export LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
      fi
    fi
    "${app[@]}" --restore-cifar "$data/../crops" "$data" || exit 4
    export RETHINK_DATA=/tmp/rethink-data
    budget=${2:-400}; shift $(( $# >= 2 ? 2 : $# ))
    timeout $(( budget + 25 )) "${app[@]}" --out "$out" --scratch /tmp/rethink-gpu-deep-scratch --budget "$budget" --rows "$rows" "${extra[@]}" "$@" 2>&1 | tee "$out/log"
    echo "gpu-deep exit status: ${PIPESTATUS[0]}" ;;
  *) echo "usage: gpu-deep.sh stage | run [BUDGET_S] | dry" >&2; exit 2 ;;
esac
