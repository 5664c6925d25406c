#!/usr/bin/env bash
# Compares mtglacier's hashing with the ceiling OpenSSL sets on this machine.
#
# A verified upload hashes every byte twice (plain SHA-256 for the request, tree hash for
# Glacier), so the best possible one-pass dual-hash throughput is half of what
# `openssl speed` reaches for SHA-256 on 1 MiB blocks. This prints medians of both and the
# ratio dual / (openssl / 2); the target is >= 90 %.
#
# Usage: bench/hash_vs_openssl.sh [PATH_TO_hash_bench] [RUNS]
#   Without a path, builds the release preset's hash_bench first (build/release).
#   RUNS (default 5): repetitions of each measurement; medians are reported.
# Both figures are per CPU second (Google Benchmark's default; openssl speed counts user
# time), so a busy machine slows them alike; the load average is printed as a noise hint.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${1:-}"
runs="${2:-5}"

if [[ -z "$bench" ]]; then
  (cd "$root" && cmake --preset release >/dev/null && cmake --build --preset release --target hash_bench)
  bench="$root/build/release/bench/hash_bench"
fi
[[ -x "$bench" ]] || { echo "hash_vs_openssl: not an executable: $bench" >&2; exit 2; }
command -v openssl >/dev/null || { echo "hash_vs_openssl: openssl not found" >&2; exit 2; }

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)  (cores: $(nproc))"

# openssl speed prints e.g. "sha256   1556732.06k" on its last line: thousands of bytes/s.
ossl_runs=()
for ((i = 0; i < runs; i++)); do
  v=$(openssl speed -evp sha256 -bytes 1048576 -seconds 3 2>/dev/null | awk '/^sha256/ {sub(/k$/, "", $2); print $2 * 1000}')
  ossl_runs+=("$v")
done
ossl=$(printf '%s\n' "${ossl_runs[@]}" | median)

# Google Benchmark CSV: name,iterations,real_time,cpu_time,time_unit,bytes_per_second,...
csv=$("$bench" --benchmark_filter='BM_(Sha256|TreeHash|Sha256AndTreeHash)$' \
        --benchmark_repetitions="$runs" --benchmark_report_aggregates_only=true \
        --benchmark_format=csv 2>/dev/null)
pick() { printf '%s\n' "$csv" | awk -F, -v n="\"$1_median\"" '$1 == n {print $6}'; }
sha=$(pick BM_Sha256)
tree=$(pick BM_TreeHash)
dual=$(pick BM_Sha256AndTreeHash)

echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v o="$ossl" -v s="$sha" -v t="$tree" -v d="$dual" -v r="$runs" 'BEGIN {
  printf "medians of %d runs, MB/s (10^6 bytes per CPU second), 1 MiB chunks:\n", r
  printf "  openssl speed sha256 (1 MiB blocks)   %8.1f\n", o / 1e6
  printf "  mtglacier Sha256                      %8.1f  (%.1f %% of openssl)\n", s / 1e6, 100 * s / o
  printf "  mtglacier TreeHash                    %8.1f  (%.1f %% of openssl)\n", t / 1e6, 100 * t / o
  printf "  mtglacier Sha256AndTreeHash (1 pass)  %8.1f\n", d / 1e6
  printf "  ceiling: openssl / 2                  %8.1f\n", o / 2e6
  ratio = 100 * d / (o / 2)
  verdict = (ratio >= 90) ? "met" : "NOT met"
  printf "ratio dual / (openssl / 2): %.1f %%  (target >= 90 %%: %s)\n", ratio, verdict
}'
