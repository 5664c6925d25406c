#!/usr/bin/env bash
# Installs dependencies, builds the CI configuration (asan+ubsan, -Werror) in one build tree,
# and runs every test with ctest in parallel. Used by `.ci/run` and the README.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths relative to the checkout and no working-directory hash: a fresh clone elsewhere (as CI
# makes) still hits the cache an earlier build filled.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"

cmake --preset ci
cmake --build --preset ci -j "$jobs"
# Each test that needs a server starts its own on a free loopback port.
ctest --preset ci -j "$jobs" --timeout 900 "$@"
