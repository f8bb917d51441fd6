#!/usr/bin/env bash
# The GPU verification, one prepared run (see tools/gpu-pack.sh for packing):
#   bash tools/gpu-check.sh            on the GPU machine, from the repository root
#   bash tools/gpu-check.sh --dry-run  here, on the CPU, with small sizes: the same steps and scripts
#   bash tools/gpu-check.sh [--dry-run] --only cuda_tests,streamed_products   some steps alone (no PyTorch rows)
# Stops at once when the pack is missing or stale. Runs the .NET check (each step under its own time
# limit; JSON summary rewritten after every step), then PyTorch's Cholesky on the same MNIST Gaussian
# kernel matrices (built in place, cholesky_ex), and prints the ratio table. Everything lands in $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/rethink-gpu-check}
mkdir -p "$out"
dry=0; [[ ${1:-} == --dry-run ]] && { dry=1; shift; }
extra=("$@")   # passed to the .NET check (--only STEP,…)

if ((dry)); then
  sizes=1000,2000; full=3000; refn=2000; streamn=3000; streamblocks=2; torch_device=cpu
  data=${RETHINK_DATA:-$(cd .. && pwd)/shared/data}
  ref=$out/alpha-cpu-fp64-n$refn.npy
  if [[ ! -s $ref ]]; then
    dotnet run --project plots -c Release -- kernels fit --dataset mnist --data "$data" --gamma 0.02 --train $refn --test 1000 \
      --precision fp64 --method cholesky --device cpu --out "$out/reference" --save-alpha >/dev/null && mv "$(ls "$out"/reference/*-alpha.npy)" "$ref"
  fi
  run=(dotnet run --project tools/GpuCheck -c Release -- --device cpu --reference "$ref")
  export RETHINK_DATA=$data
  dotnet build tests/Properties -c Release >/dev/null && tests=tests/Properties/bin/Release/net10.0
else
  sizes=10000,20000,40000,60000; full=60000; refn=20000; streamn=50000; streamblocks=2; torch_device=cuda
  [[ -x .device/run.sh && -f .device/SOURCE ]] || { echo "gpu-check: no packed program in .device/: run tools/gpu-pack.sh on the development machine first" >&2; exit 3; }
  echo "packed from: $(tr '\n' ' ' < .device/PACKED)"
  now=$(bash tools/source-hash.sh)
  [[ $(cat .device/SOURCE) == "$now" ]] || { echo "gpu-check: stale pack (sources $(cat .device/SOURCE) when packed, $now now): rerun tools/gpu-pack.sh" >&2; exit 3; }
  run=(bash .device/run.sh)
  export RETHINK_DATA=.device/data
  # OpenBLAS from the development machine, under the names the solver's resolver tries first
  lib=/tmp/rethink-blas; mkdir -p $lib && tar xJf .device/blas.tar.xz -C $lib
  ln -sf libopenblas.so.0 $lib/libblas.so.3; ln -sf libopenblas.so.0 $lib/liblapack.so.3
  ldconfig -p | grep -q 'libgfortran.so.5 ' && rm -f $lib/libgfortran.so.5   # the machine's own, when it has one
  export LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  echo "host BLAS: $(ls $lib)"
  # the CUDA tests of tests/Properties and the assemblies they need beyond the program's
  tests=/tmp/rethink-tests; mkdir -p $tests && tar xJf .device/tests.tar.xz -C $tests
fi

# The Python with PyTorch, found before anything starts.
py=""
for candidate in python3 /usr/bin/python3 /usr/local/bin/python3 /opt/conda/bin/python $(ls /opt/*/bin/python3 /opt/*/*/bin/python3 2>/dev/null); do
  if "$candidate" -c 'import torch' 2>/dev/null; then py=$candidate; break; fi
done
[[ -n $py ]] && echo "PyTorch: $("$py" -c 'import torch; print(torch.__version__, torch.__file__)')" || echo "PyTorch: not found; the comparison rows will be missing"

timeout 470 "${run[@]}" --out "$out" --sizes $sizes --full-n $full --reference-n $refn --stream-n $streamn --stream-blocks $streamblocks \
  --tests "$tests" --step-timeout 150 --stream-timeout 280 "${extra[@]}" 2>&1 | tee "$out/dotnet.log"
echo "dotnet check exit status: ${PIPESTATUS[0]}"

if [[ -n $py && ${#extra[@]} -eq 0 ]]; then
  timeout 100 "$py" - "$RETHINK_DATA" "$sizes" "$torch_device" "$out/torch.json" <<'PY'
import gzip, json, os, sys, time
import numpy as np, torch
root, sizes, device, path = sys.argv[1], [int(s) for s in sys.argv[2].split(',')], sys.argv[3], sys.argv[4]
mnist = next(p for p in [os.path.join(root, 'mnist'), root] if os.path.exists(os.path.join(p, 'train-images-idx3-ubyte.gz')))
with gzip.open(os.path.join(mnist, 'train-images-idx3-ubyte.gz')) as f:
    X = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float64) / 255).to(device)
def sync():
    if device == 'cuda': torch.cuda.synchronize()
rows = []
for n in sizes:
    for dtype, name in [(torch.float64, 'fp64'), (torch.float32, 'fp32')]:
        row = {'n': n, 'precision': name}
        try:
            x = X[:n].to(dtype)
            sq = (x * x).sum(1)
            sync(); t = time.perf_counter()
            K = x @ x.T                        # one n×n buffer, transformed in place
            K.mul_(-2).add_(sq[:, None]).add_(sq[None, :]).clamp_min_(0).mul_(-0.02).exp_()
            sync(); row['gram'] = time.perf_counter() - t
            Y = torch.randn(n, 10, dtype=dtype, device=device)
            sync(); t = time.perf_counter()
            L, info = torch.linalg.cholesky_ex(K)
            sync(); row['potrf'] = time.perf_counter() - t
            row['info'] = int(info)
            t = time.perf_counter(); torch.cholesky_solve(Y, L); sync(); row['potrs'] = time.perf_counter() - t
            del K, L
        except Exception as e:
            row['error'] = f'{type(e).__name__}: {e}'
        rows.append(row); print(json.dumps(row), flush=True)
        if device == 'cuda': torch.cuda.empty_cache()
json.dump({'torch': torch.__version__, 'device': device, 'rows': rows}, open(path + '.tmp', 'w'), indent=1)
os.replace(path + '.tmp', path)
PY
  echo "torch exit status: $?"
  "$py" - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
ours = json.load(open(os.path.join(out, 'gpu-check.json')))
torch = json.load(open(os.path.join(out, 'torch.json'))) if os.path.exists(os.path.join(out, 'torch.json')) else {'rows': []}
table = {(r['n'], r['precision']): r for r in ours['steps'].get('cholesky_table', {}).get('rows', [])}
print(f"{'n':>7} {'prec':>5} {'gemm s':>8} {'transform s':>11} {'potrf s':>8} {'TFLOP/s':>8} {'potrs s':>8} {'predict s':>9} {'torch potrf':>11} {'ratio':>6}")
summary = []
for t in torch['rows'] or [{'n': k[0], 'precision': k[1]} for k in table]:
    r = table.get((t['n'], t['precision']), {})
    ratio = r['potrf'] / t['potrf'] if r.get('potrf') and t.get('potrf') else None
    f = lambda v, w, p=3: f"{v:{w}.{p}f}" if isinstance(v, (int, float)) else f"{'-':>{w}}"
    print(f"{t['n']:>7} {t['precision']:>5} {f(r.get('gram-products'), 8)} {f(r.get('gram-transform'), 11)} {f(r.get('potrf'), 8)} {f(r.get('potrf_tflops'), 8, 1)} "
          f"{f(r.get('potrs'), 8)} {f(r.get('predict'), 9)} {f(t.get('potrf'), 11)} {f(ratio, 6, 2)}")
    summary.append({**{k: v for k, v in r.items()}, 'torch_potrf': t.get('potrf'), 'potrf_ratio_to_torch': ratio})
ours['comparison'] = summary
json.dump(ours, open(os.path.join(out, 'gpu-check-summary.json'), 'w'), indent=1)
for step in ['reference', 'full_fp64', 'full_fp32', 'streamed_products', 'streamed_random_conv']:
    print(step, json.dumps(ours['steps'].get(step)))
PY
fi
echo "gpu-check: summaries in $out (gpu-check.json, torch.json, gpu-check-summary.json)"
