#!/usr/bin/env bash
# Installs every Debian 12 package Cue needs to build, test and run its demo farm.
# Idempotent: when everything is present it prints one line and changes nothing.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang-format
  # gRPC, protobuf, Abseil
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev libabsl-dev
  # storage
  libsqlite3-dev sqlite3 libpq-dev postgresql
  # libraries
  libspdlog-dev libfmt-dev libcli11-dev libpugixml-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # wire check and protocol-level tests
  python3 python3-protobuf python3-grpcio
  # demo job: real renders and a movie
  povray ffmpeg
  # cuegui (Qt 6 widgets) and its screenshots under a virtual X server
  qt6-base-dev xvfb
  # misc tools used by scripts
  procps psmisc
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
