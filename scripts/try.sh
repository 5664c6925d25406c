#!/usr/bin/env bash
# Installs dependencies, builds the release configuration and runs the main job end to end on
# the embedded default. Until the server and the sync client exist, that job is: hash a sample
# tree with `mtglacier tree-hash` and check the result against sha256sum where the two agree.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths relative to the checkout and no working-directory hash: a fresh clone elsewhere (as CI
# makes) still hits the cache an earlier build filled.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset release
cmake --build --preset release -j "$(nproc)" --target mtglacier

bin=build/release/src/cli/mtglacier
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src="${1:-}"
if [ -z "$src" ]; then
  src="$work/sample"
  mkdir -p "$src/photos/2024 trip" "$src/docs"
  head -c 1 /dev/urandom > "$src/one.byte"
  head -c 1048576 /dev/urandom > "$src/docs/exactly-1MiB.bin"
  head -c 5242897 /dev/urandom > "$src/photos/2024 trip/café (1).jpg"
  printf 'hello glacier\n' > "$src/docs/readme.txt"
fi
echo "== tree hashes of $src"
find "$src" -type f -print0 | sort -z | xargs -0 "$bin" tree-hash
echo "== check: for files of at most 1 MiB the tree hash equals sha256sum"
fail=0
while IFS= read -r -d '' f; do
  if [ "$(stat -c %s "$f")" -le 1048576 ]; then
    a=$("$bin" tree-hash "$f" | cut -d' ' -f1)
    b=$(sha256sum "$f" | cut -d' ' -f1)
    if [ "$a" = "$b" ]; then echo "ok   $f"; else echo "FAIL $f"; fail=1; fi
  fi
done < <(find "$src" -type f -print0)
exit $fail
