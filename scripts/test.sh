#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, contract, integration).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j"${CUE_TEST_JOBS:-2}" --timeout 600
