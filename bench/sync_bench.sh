#!/bin/sh
# sync benchmarks (bench/sync_bench.py): a ~2 GiB upload to mtglacier-server on loopback, with
# the client's CPU seconds per GB against the two-SHA-256-pass floor, and a no-change sync of
# 100,000 files. Builds the release preset unless binaries are given.
#   bench/sync_bench.sh [MTGLACIER SERVER] [--runs 3] [--gib 2] [--files 100000] [--skip-upload]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
if [ $# -ge 2 ] && [ -x "$1" ] && [ -x "$2" ]; then
  client=$1
  server=$2
  shift 2
else
  cmake --preset release -S "$root" >/dev/null
  cmake --build "$root/build/release" --target mtglacier mtglacier-server
  client=$root/build/release/src/cli/mtglacier
  server=$root/build/release/server/mtglacier-server
fi
exec /usr/bin/python3 "$here/sync_bench.py" "$client" "$server" "$@"
