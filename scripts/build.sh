#!/usr/bin/env bash
# Configures and builds Cue in ./build (CMake + Ninja, ccache when present).
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C build -j"${CUE_BUILD_JOBS:-2}"
