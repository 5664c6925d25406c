#!/usr/bin/env bash
# Installs every Debian package mtglacier needs to build, test and benchmark.
# Idempotent: packages already present are left alone; `apt-get update` runs once per call,
# and only when something is missing. Runs as root on a fresh Debian 12.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  clang-16 libclang-rt-16-dev
  libssl-dev libcurl4-openssl-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev
  libcpp-httplib-dev libsqlite3-dev sqlite3
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  awscli python3-boto3
  openssl time procps
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
