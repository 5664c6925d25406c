#!/bin/sh
# Single-client multipart upload throughput of mtglacier-server (~1 GiB) and the server's CPU
# seconds per GB (both hash checks included). Builds the release preset's server unless a binary
# is given. Extra arguments go to server_upload.py (--size-mib, --part-mib, --runs).
#   bench/server_upload.sh [SERVER_BINARY] [--runs 5]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
if [ $# -gt 0 ] && [ -x "$1" ]; then
  server=$1
  shift
else
  cmake --preset release -S "$root" >/dev/null
  cmake --build "$root/build/release" --target mtglacier-server
  server=$root/build/release/server/mtglacier-server
fi
exec /usr/bin/python3 "$here/server_upload.py" "$server" "$@"
