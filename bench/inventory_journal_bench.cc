// download-inventory's conversion step on a vault of 1,000,000 archives (the issue's target:
// under 5 s, peak memory under 200 MiB): a generated JSON or CSV inventory file (about 430 /
// 330 MB, written to disk in 1 MiB chunks first, so generating it never holds it in memory)
// streamed from disk through the parser, each mt2 description decoded, one journal line
// formatted per archive and written with a single fsync, renamed into place. Reports the
// process's peak RSS after each run. The network part of download-inventory streams to disk
// and is measured by the server benchmarks.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "io/file_system.h"
#include "meta/description.h"
#include "sync/inventory_journal.h"

namespace {

using namespace mtg;

constexpr uint64_t kArchives = 1'000'000;

double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

std::string Dir() {
  static const std::string dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mtg-invjournal-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    return tmpl;
  }();
  return dir;
}

// Writes the inventory to `path` chunk by chunk; archive i has a 138-character id, an mt2
// description of a photo path, and a pseudo-random size and tree hash.
void Generate(const std::string& path, bool csv) {
  auto file = io::PosixFileSystem::Instance().OpenWrite(path, io::WriteMode::kTruncate);
  if (!file) std::abort();
  std::string chunk = csv ? "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n"
                          : R"({"VaultARN":"arn:aws:glacier:us-east-1:1:vaults/bench","InventoryDate":"2013-11-06T02:51:29Z","ArchiveList":[)";
  uint64_t offset = 0;
  uint64_t x = 0x9E3779B97F4A7C15ull;
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  static constexpr char kHex[] = "0123456789abcdef";
  for (uint64_t i = 0; i < kArchives; ++i) {
    std::string id, hash;
    for (int k = 0; k < 138; ++k) id += kB64[(x = x * 6364136223846793005ull + 1442695040888963407ull) >> 58];
    for (int k = 0; k < 64; ++k) hash += kHex[(x = x * 6364136223846793005ull + 1442695040888963407ull) >> 60];
    const std::string description =
        *meta::EncodeDescription("photos/" + std::to_string(2000 + i % 24) + "/IMG_" + std::to_string(i) + ".jpg",
                                 1262304000 + static_cast<int64_t>(i));
    const std::string size = std::to_string(x % (64ull << 20) + 1);
    if (csv) {
      chunk += id + ",\"" + description + "\",2012-08-23T19:08:30Z," + size + "," + hash + "\n";
    } else {
      if (i > 0) chunk += ',';
      chunk += R"({"ArchiveId":")" + id + R"(","ArchiveDescription":")" + description +
               R"(","CreationDate":"2012-08-23T19:08:30Z","Size":)" + size + R"(,"SHA256TreeHash":")" + hash + "\"}";
    }
    if (chunk.size() >= (1u << 20)) {
      if (!(*file)->WriteAt(offset, chunk)) std::abort();
      offset += chunk.size();
      chunk.clear();
    }
  }
  if (!csv) chunk += "]}";
  if (!(*file)->WriteAt(offset, chunk) || !(*file)->Close()) std::abort();
}

void Convert(benchmark::State& state, bool csv) {
  const std::string inventory = Dir() + (csv ? "/inventory.csv" : "/inventory.json");
  Generate(inventory, csv);
  const std::string journal = Dir() + "/new.journal";
  for (auto _ : state) {
    auto counts = sync::WriteJournalFromInventory(io::PosixFileSystem::Instance(), inventory,
                                                  csv ? sync::InventoryFormat::kCsv : sync::InventoryFormat::kJson,
                                                  journal, nullptr);
    if (!counts || counts->ours != kArchives) std::abort();
    state.PauseTiming();
    std::filesystem::remove(journal);
    state.ResumeTiming();
  }
  state.counters["inventory_MB"] = static_cast<double>(std::filesystem::file_size(inventory)) / 1e6;
  state.counters["peak_rss_MiB"] = PeakRssMiB();
  std::filesystem::remove(inventory);
}

void BM_JsonInventoryToJournal(benchmark::State& state) { Convert(state, false); }
void BM_CsvInventoryToJournal(benchmark::State& state) { Convert(state, true); }
BENCHMARK(BM_JsonInventoryToJournal)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(BM_CsvInventoryToJournal)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  std::filesystem::remove_all(Dir());
  return 0;
}
