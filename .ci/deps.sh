#!/usr/bin/env bash
# Installs everything Rethink and its tests need on Debian 12 or 13 (idempotent):
#   native BLAS/LAPACK (OpenBLAS), Open MPI and ScaLAPACK (--device scalapack), the C++ runtime TorchSharp
#   0.107 needs (GLIBCXX_3.4.32), pdflatex with booktabs and siunitx and poppler's pdftotext (macros.tex,
#   the example paper), Debian's Fashion-MNIST, and Debian's numpy, SciPy and Pillow (the ImageNet tests'
#   independent references: SciPy writes the devkit's meta.mat, Pillow decodes the JPEGs). `dotnet test` needs all of it and skips only GPU tests.
# Run it as root: `bash .ci/deps.sh` in a root shell (containers), `sudo bash .ci/deps.sh` otherwise.
# Extras by argument:  bench -> Python anchors for the benchmark programs (numpy, scipy, scikit-learn, torch)
#                      all   -> every extra
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
sudo_=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_="sudo"
  else echo "deps.sh: run as root (a root shell: bash .ci/deps.sh) or install sudo; apt-get needs root" >&2; exit 2; fi
fi

want=(libopenblas0-pthread liblapack3 libblas3 libgomp1 binutils fonts-dejavu-core openmpi-bin libscalapack-openmpi2.2
      texlive-latex-base texlive-latex-recommended texlive-science poppler-utils dataset-fashion-mnist
      python3-numpy python3-scipy python3-pil)
for extra in "$@"; do
  case "$extra" in
    bench|all)     want+=(python3-numpy python3-scipy python3-sklearn python3-torch) ;;
    fashion|latex) ;; # installed by default now (the tests need them); accepted for old command lines
    *) echo "deps.sh: unknown extra '$extra' (bench, all)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
done
updated=0
if [ ${#missing[@]} -gt 0 ]; then
  $sudo_ apt-get update -qq
  updated=1
  $sudo_ apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# TorchSharp's libLibTorchSharp.so needs GLIBCXX_3.4.32 (GCC 14's libstdc++). Debian 12 ships an
# older one; take libstdc++6 from Debian 13 (trixie), built from this machine's own apt source.
# (No early-exiting reader in these pipes: under pipefail a writer killed by SIGPIPE fails the step.)
libstdcxx=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found {print $NF; found = 1}')
if [ -z "$libstdcxx" ] || ! strings "$libstdcxx" | grep 'GLIBCXX_3\.4\.32' >/dev/null; then
  src=/etc/apt/sources.list.d/debian.sources
  uris=""
  if [ -f "$src" ]; then
    uris=$(awk '/^URIs:/ {print $2; exit}' "$src")
  elif [ -f /etc/apt/sources.list ]; then
    uris=$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^(http|https|file):/) {print $i; exit}}' /etc/apt/sources.list)
  fi
  if [ -z "$uris" ]; then
    echo "deps.sh: no Debian apt source found to derive a trixie source from; install libstdc++6 >= 14 (GLIBCXX_3.4.32) by hand" >&2
    exit 1
  fi
  $sudo_ tee /etc/apt/sources.list.d/rethink-trixie.sources >/dev/null <<SRC
Types: deb
URIs: $uris
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  # Only what we ask for by name comes from trixie.
  $sudo_ tee /etc/apt/preferences.d/rethink-trixie >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
  $sudo_ apt-get update -qq
  $sudo_ apt-get install -y -qq --no-install-recommends -t trixie libstdc++6
fi
