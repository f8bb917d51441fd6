#!/usr/bin/env bash
# A short hash of the sources a packed GPU check was built from (C#, project and build files under
# src/, tools/GpuCheck/, tests/Properties/ and the repository root). gpu-pack.sh stores it; gpu-check.sh recomputes it on
# the GPU machine and refuses to run a stale pack. Needs only coreutils.
set -euo pipefail
cd "$(dirname "$0")/.."
find src tools/GpuCheck tools/GpuDeep tests/Properties Directory.Build.props Directory.Packages.props global.json -type f \
  \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) \
  -not -path '*/bin/*' -not -path '*/obj/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
