#!/usr/bin/env bash
# Loads a generated journal of RECORDS records (default 1,000,000) RUNS times (default 5), each in
# a fresh process, and prints the median load+replay time and peak-RSS growth against the file
# size. Needs a Release build with benchmarks:
#   cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMTG_BENCH=ON
#   cmake --build build/release --target journal_bench
#   bench/journal_load.sh build/release/bench/journal_bench
set -euo pipefail
bin=${1:?usage: journal_load.sh path/to/journal_bench [records] [runs]}
records=${2:-1000000}
runs=${3:-5}
journal=${TMPDIR:-/tmp}/mtg_journal_load_${records}.log
if [[ ! -s $journal ]]; then
  "$bin" --generate "$journal" "$records"
fi
results=()
for ((i = 0; i < runs; i++)); do
  line=$("$bin" --load-once "$journal")
  echo "run $((i + 1)): $line"
  results+=("$line")
done
median() {  # median of the named key over the runs
  printf '%s\n' "${results[@]}" | tr ' ' '\n' | sed -n "s/^$1=//p" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
echo "median: seconds=$(median seconds) cpu_seconds=$(median cpu_seconds) rss_delta_mb=$(median rss_delta_mb) ratio=$(median ratio)" \
     "file_mb=$(median file_mb) ($records records)"
