#!/usr/bin/env bash
# Installs dependencies, builds the release configuration and runs the main job end to end on the
# embedded default: mtglacier-server on loopback. The job: start the server, create a vault, sync a
# sample tree (or the directory given as $1, which is only read) into it, check that a second sync
# has nothing to do, restore everything into a fresh directory (restore, restore-completed --wait),
# compare every byte and mtime, check the vault's inventory against the journal (verify), then
# purge and delete the vault.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths relative to the checkout and no working-directory hash: a fresh clone elsewhere (as CI
# makes) still hits the cache an earlier build filled.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset release
cmake --build --preset release -j "$(nproc)" --target mtglacier mtglacier-server

bin=build/release/src/cli/mtglacier
server_bin=build/release/server/mtglacier-server
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting mtglacier-server on loopback"
key=AKIDTRY$(head -c 4096 /dev/urandom | tr -dc 'A-Z0-9' | head -c 13)
secret=$(head -c 4096 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 40)
printf '%s %s\n' "$key" "$secret" > "$work/keys"
chmod 600 "$work/keys"
"$server_bin" --listen 127.0.0.1:0 --store "$work/store" --credentials "$work/keys" > "$work/server.out" &
server_pid=$!
first_line=""
for _ in $(seq 100); do  # the first line names the port; give it up to 10 s
  first_line=$(head -n 1 "$work/server.out")
  [ -n "$first_line" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "mtglacier-server did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$first_line" ] || { echo "mtglacier-server did not report its port" >&2; exit 1; }
echo "$first_line"
port=${first_line##*:}
cat > "$work/glacier.cfg" <<CFG
key=$key
secret=$secret
region=us-east-1
endpoint=http://127.0.0.1:$port
CFG
chmod 600 "$work/glacier.cfg"

echo "== vault commands"
"$bin" create-vault try-vault --config "$work/glacier.cfg"
"$bin" list-vaults --config "$work/glacier.cfg"

src="${1:-}"
if [ -z "$src" ]; then
  src="$work/sample"
  mkdir -p "$src/photos/2024 trip" "$src/docs"
  head -c 1 /dev/urandom > "$src/one.byte"
  head -c 1048576 /dev/urandom > "$src/docs/exactly-1MiB.bin"
  head -c 5242897 /dev/urandom > "$src/photos/2024 trip/café (1).jpg"
  printf 'hello glacier\n' > "$src/docs/readme.txt"
  touch -d '2019-07-04 12:00:00' "$src/photos/2024 trip/café (1).jpg"
  touch -d '1969-07-20 20:17:40' "$src/docs/readme.txt"
fi
cfg=(--config "$work/glacier.cfg")
journal="$work/journal.log"
echo "== sync $src to the vault"
"$bin" sync "${cfg[@]}" --dir "$src" --vault try-vault --journal "$journal" --concurrency 4 --partsize 1
echo "== a second sync has nothing to do"
"$bin" sync "${cfg[@]}" --dir "$src" --vault try-vault --journal "$journal" --new --replace-modified --quiet

# The local copy is "lost": restore into a fresh directory, where every file is missing (the
# user's directory is only ever read).
restored="$work/restored"
echo "== restore: start retrieval jobs for every file"
"$bin" restore "${cfg[@]}" --dir "$restored" --vault try-vault --journal "$journal" --max-number-of-files 1000000 --quiet
echo "== restore-completed --wait: download and verify each archive (1 MiB segments)"
"$bin" restore-completed "${cfg[@]}" --dir "$restored" --vault try-vault --journal "$journal" --wait \
  --segment-size 1 --concurrency 4
echo "== every byte and every mtime (to the second, the journal's resolution) is back"
listing() {
  (cd "$1" && find . -type f ! -name '.mtglacier-restore-*' ! -size 0 -printf '%P\t%s\t%T@\n' |
    awk -F'\t' '{ split($3, t, "."); print $1 "\t" $2 "\t" t[1] }' | sort)
}
if ! diff <(listing "$src") <(listing "$restored"); then echo "FAIL: names, sizes or mtimes differ" >&2; exit 1; fi
fail=0
while IFS= read -r -d '' f; do
  rel=${f#"$src"/}
  if ! cmp -s "$f" "$restored/$rel"; then echo "FAIL: $rel differs" >&2; fail=1; fi
done < <(find "$src" -type f ! -size 0 -print0)
[ "$fail" = 0 ] || exit 1
echo "ok: $(listing "$restored" | wc -l) files identical, with their mtimes"
echo "== verify: the vault's inventory against the journal"
"$bin" retrieve-inventory "${cfg[@]}" --vault try-vault
"$bin" verify "${cfg[@]}" --vault try-vault --journal "$journal" | tail -n 8

echo "== cleaning up: purge the vault, delete it"
"$bin" purge-vault "${cfg[@]}" --vault try-vault --journal "$journal" --quiet
"$bin" delete-vault try-vault "${cfg[@]}"
