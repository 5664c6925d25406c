// Throughput of the streaming inventory parsers on a vault of 1,000,000 archives, the size
// that broke other tools (glacier-service.md §1.5): realistic fields (138-character archive ids,
// mt2 descriptions of about 100 characters, 64-hex tree hashes, the service's date form), fed in
// 1 MiB chunks as they come off the network. The first benchmark generates the inventory on the
// fly, chunk by chunk, and reports the process's peak RSS at that point: the parser's memory
// does not grow with the inventory. The others parse a prebuilt in-memory copy (about 430 MB of
// JSON, 330 MB of CSV), so their time is the parser's alone. Throughput is per CPU second.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "meta/description.h"
#include "meta/inventory_csv.h"
#include "meta/inventory_json.h"

namespace {

using namespace mtg::meta;

constexpr uint64_t kArchives = 1'000'000;
constexpr size_t kChunk = 1024 * 1024;

// Deterministic pseudo-random fields for archive i.
class ItemMaker {
 public:
  void Json(uint64_t i, std::string& out) {
    Fill(i);
    out += R"({"ArchiveId":")";
    out += id_;
    out += R"(","ArchiveDescription":")";
    out += description_;
    out += R"(","CreationDate":")";
    out += date_;
    out += R"(","Size":)";
    out += std::to_string(size_);
    out += R"(,"SHA256TreeHash":")";
    out += hash_;
    out += "\"}";
  }

  void Csv(uint64_t i, std::string& out) {
    Fill(i);
    out += id_;
    out += ",\"";
    out += description_;  // base64url and ASCII: nothing to escape
    out += "\",";
    out += date_;
    out += ',';
    out += std::to_string(size_);
    out += ',';
    out += hash_;
    out += '\n';
  }

 private:
  uint64_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }

  void Fill(uint64_t i) {
    static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static constexpr char kHex[] = "0123456789abcdef";
    id_.clear();
    for (int k = 0; k < 138; ++k) id_ += kB64[Next() % 64];
    hash_.clear();
    for (int k = 0; k < 64; ++k) hash_ += kHex[Next() % 16];
    const std::string name = "photos/" + std::to_string(2000 + i % 24) + "/album-" + std::to_string(i % 977) +
                             "/IMG_" + std::to_string(i) + ".jpg";
    description_ = EncodeDescription(name, 1262304000 + static_cast<int64_t>(i)).value();
    const uint64_t t = 1345748910 + i * 7;
    char date[32];
    std::snprintf(date, sizeof date, "2012-%02u-%02uT%02u:%02u:%02uZ", static_cast<unsigned>(8 + t / 2592000 % 4),
                  static_cast<unsigned>(1 + t / 86400 % 28), static_cast<unsigned>(t / 3600 % 24),
                  static_cast<unsigned>(t / 60 % 60), static_cast<unsigned>(t % 60));
    date_ = date;
    size_ = Next() % (64ull << 20);
  }

  uint64_t state_ = 0x9E3779B97F4A7C15ull;
  std::string id_, description_, date_, hash_;
  uint64_t size_ = 0;
};

const std::string& JsonInventory() {
  static const std::string text = [] {
    std::string t = R"({"VaultARN":"arn:aws:glacier:us-east-1:222222223333:vaults/bench","InventoryDate":"2013-11-06T02:51:29Z","ArchiveList":[)";
    t.reserve(450u << 20);
    ItemMaker maker;
    for (uint64_t i = 0; i < kArchives; ++i) {
      if (i > 0) t += ',';
      maker.Json(i, t);
    }
    t += "]}";
    return t;
  }();
  return text;
}

const std::string& CsvInventory() {
  static const std::string text = [] {
    std::string t = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n";
    t.reserve(350u << 20);
    ItemMaker maker;
    for (uint64_t i = 0; i < kArchives; ++i) maker.Csv(i, t);
    return t;
  }();
  return text;
}

double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

template <typename Parser>
void FeedInChunks(Parser& parser, std::string_view text) {
  for (size_t off = 0; off < text.size(); off += kChunk) {
    if (!parser.Feed(text.substr(off, std::min(kChunk, text.size() - off)))) std::abort();
  }
  if (!parser.Finish()) std::abort();
}

// Generate-and-parse in 1 MiB chunks, never holding the inventory: shows bounded memory.
// Runs first, before the prebuilt inventories exist, so the peak RSS is this one's.
void BM_JsonGeneratedStreaming(benchmark::State& state) {
  for (auto _ : state) {
    uint64_t total = 0;
    InventoryJsonParser parser([&](const InventoryItem& item) -> mtg::Result<void> {
      total += item.size;
      return mtg::Ok();
    });
    ItemMaker maker;
    std::string chunk = R"({"VaultARN":"v","ArchiveList":[)";
    for (uint64_t i = 0; i < kArchives; ++i) {
      if (i > 0) chunk += ',';
      maker.Json(i, chunk);
      if (chunk.size() >= kChunk) {
        if (!parser.Feed(chunk)) std::abort();
        chunk.clear();
      }
    }
    chunk += "]}";
    if (!parser.Feed(chunk) || !parser.Finish()) std::abort();
    benchmark::DoNotOptimize(total);
  }
  state.counters["peak_rss_MiB"] = PeakRssMiB();
  state.counters["archives"] = static_cast<double>(kArchives);
}
BENCHMARK(BM_JsonGeneratedStreaming)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Json(benchmark::State& state) {
  const std::string& text = JsonInventory();
  for (auto _ : state) {
    uint64_t total = 0;
    InventoryJsonParser parser([&](const InventoryItem& item) -> mtg::Result<void> {
      total += item.size + item.archive_id.size();
      return mtg::Ok();
    });
    FeedInChunks(parser, text);
    if (parser.archive_count() != kArchives) std::abort();
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kArchives));
  state.counters["input_MiB"] = static_cast<double>(text.size()) / (1 << 20);
}
BENCHMARK(BM_Json)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_Csv(benchmark::State& state) {
  const std::string& text = CsvInventory();
  for (auto _ : state) {
    uint64_t total = 0;
    InventoryCsvParser parser([&](const InventoryItem& item) -> mtg::Result<void> {
      total += item.size + item.archive_id.size();
      return mtg::Ok();
    });
    FeedInChunks(parser, text);
    if (parser.archive_count() != kArchives) std::abort();
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kArchives));
  state.counters["input_MiB"] = static_cast<double>(text.size()) / (1 << 20);
}
BENCHMARK(BM_Csv)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
