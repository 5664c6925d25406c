// Throughput of the hashes an upload needs: plain SHA-256, tree hash, and both in one pass
// (what a verified upload costs per byte). 64 MiB of i%251 bytes fed in 1 MiB chunks, as the
// file reader delivers them. Throughput is per CPU second (Google Benchmark's default), like
// `openssl speed`, which counts user time: on a shared machine both stay comparable.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <vector>

#include "hash/sha256.h"
#include "hash/tree_hash.h"

namespace {

constexpr size_t kBufferSize = 64 * 1024 * 1024;
constexpr size_t kChunk = 1024 * 1024;

const std::vector<uint8_t>& Buffer() {
  static const std::vector<uint8_t> buf = [] {
    std::vector<uint8_t> b(kBufferSize);
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i % 251);
    return b;
  }();
  return buf;
}

template <typename Hasher>
void FeedChunks(Hasher& h, std::span<const uint8_t> data) {
  for (size_t off = 0; off < data.size(); off += kChunk) {
    h.Update(data.subspan(off, std::min(kChunk, data.size() - off)));
  }
}

void BM_Sha256(benchmark::State& state) {
  const auto& buf = Buffer();
  mtg::hash::Sha256 h;
  for (auto _ : state) {
    FeedChunks(h, buf);
    benchmark::DoNotOptimize(h.Final());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kBufferSize);
}
BENCHMARK(BM_Sha256)->Unit(benchmark::kMillisecond);

void BM_TreeHash(benchmark::State& state) {
  const auto& buf = Buffer();
  mtg::hash::TreeHasher h;
  for (auto _ : state) {
    FeedChunks(h, buf);
    benchmark::DoNotOptimize(h.Final());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kBufferSize);
}
BENCHMARK(BM_TreeHash)->Unit(benchmark::kMillisecond);

// The figure that bounds upload speed: both digests, one read of each byte.
void BM_Sha256AndTreeHash(benchmark::State& state) {
  const auto& buf = Buffer();
  mtg::hash::DualHasher h;
  for (auto _ : state) {
    FeedChunks(h, buf);
    benchmark::DoNotOptimize(h.Final());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kBufferSize);
}
BENCHMARK(BM_Sha256AndTreeHash)->Unit(benchmark::kMillisecond);

// The same through the whole-buffer helper (no chunking by the caller).
void BM_Sha256AndTreeHashOneShot(benchmark::State& state) {
  const auto& buf = Buffer();
  for (auto _ : state) benchmark::DoNotOptimize(mtg::hash::Sha256AndTreeHash(buf));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kBufferSize);
}
BENCHMARK(BM_Sha256AndTreeHashOneShot)->Unit(benchmark::kMillisecond);

// Why DualHasher alternates 64 KiB slices: the same two hashers fed slices of other sizes
// (the second pass reads from L1/L2 when the slice fits, from further away when it does not).
void BM_DualBySlice(benchmark::State& state) {
  const auto& buf = Buffer();
  const size_t slice = static_cast<size_t>(state.range(0));
  mtg::hash::Sha256 linear;
  mtg::hash::TreeHasher tree;
  for (auto _ : state) {
    std::span<const uint8_t> data(buf);
    for (size_t off = 0; off < data.size(); off += slice) {
      auto piece = data.subspan(off, std::min(slice, data.size() - off));
      linear.Update(piece);
      tree.Update(piece);
    }
    benchmark::DoNotOptimize(linear.Final());
    benchmark::DoNotOptimize(tree.Final());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kBufferSize);
}
BENCHMARK(BM_DualBySlice)->RangeMultiplier(4)->Range(4 << 10, 4 << 20)->Unit(benchmark::kMillisecond);

// Small-message cost that SigV4 pays per request (five HMACs and a few hashes).
void BM_HmacSha256Short(benchmark::State& state) {
  std::vector<uint8_t> key(32, 0x42);
  for (auto _ : state) benchmark::DoNotOptimize(mtg::hash::HmacSha256(key, "20240101/us-east-1"));
}
BENCHMARK(BM_HmacSha256Short);

}  // namespace

BENCHMARK_MAIN();
