// Journal load benchmark: a realistic million-record journal (138-character archive ids, 64-hex
// tree hashes, names of 40-80 bytes, replaced versions and deletions) loaded and replayed.
//
//   journal_bench --generate PATH [RECORDS]   write the journal (deterministic content)
//   journal_bench --load-once PATH            load it once; print seconds and peak-RSS growth
//   journal_bench [google-benchmark flags]    BM_ParseLines and BM_LoadJournal (generates a
//                                             temporary journal; MTG_JOURNAL_BENCH_RECORDS sets
//                                             its size, default 200000)
// bench/journal_load.sh runs --load-once several times in fresh processes and prints medians.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "journal/journal_file.h"
#include "journal/line_parser.h"

namespace {

using mtg::journal::JournalState;

// Writes `records` CREATED records; every 10th record replaces an earlier file (a new version,
// then a DELETED of the old one), every 25th is deleted outright, a few use NONE mtimes.
bool Generate(const std::string& path, size_t records) {
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) return false;
  std::mt19937_64 rng(42);
  static constexpr char kIdChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  static constexpr char kHex[] = "0123456789abcdef";
  static constexpr char kNameChars[] = "abcdefghijklmnopqrstuvwxyz0123456789_-. ";
  struct Live {
    std::string id;
    std::string name;
  };
  std::vector<Live> recent;  // a window of recent archives to replace or delete
  std::string line;
  int64_t time = 1600000000;
  for (size_t i = 0; i < records; ++i) {
    std::string id(138, 'x');
    for (char& c : id) c = kIdChars[rng() % 64];
    std::string hash(64, '0');
    for (char& c : hash) c = kHex[rng() % 16];
    std::string name;
    bool replace = i % 10 == 9 && !recent.empty();
    if (replace) {
      name = recent[rng() % recent.size()].name;
    } else {
      size_t len = 40 + rng() % 41;
      name = "dir" + std::to_string(rng() % 1000) + "/sub" + std::to_string(rng() % 100) + "/";
      while (name.size() < len) name += kNameChars[rng() % (sizeof kNameChars - 1)];
      if (name.back() == ' ' || name.back() == '.') name.back() = 'z';
    }
    ++time;
    std::string mtime = i % 97 == 0 ? "NONE" : std::to_string(time - static_cast<int64_t>(rng() % 100000000));
    line = "B\t" + std::to_string(time) + "\tCREATED\t" + id + "\t" + std::to_string(1 + rng() % 100000000) +
           "\t" + mtime + "\t" + hash + "\t" + name + "\n";
    std::fwrite(line.data(), 1, line.size(), out);
    if (replace || i % 25 == 24) {
      size_t victim = rng() % recent.size();
      line = "B\t" + std::to_string(time) + "\tDELETED\t" + recent[victim].id + "\t" + recent[victim].name + "\n";
      std::fwrite(line.data(), 1, line.size(), out);
      recent[victim] = recent.back();
      recent.pop_back();
    }
    recent.push_back({std::move(id), std::move(name)});
    if (recent.size() > 1000) recent.erase(recent.begin(), recent.begin() + 500);
  }
  return std::fclose(out) == 0;
}

long MaxRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// User + system CPU seconds: on a shared machine the wall time also counts other processes.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int LoadOnce(const std::string& path) {
  auto& fs = mtg::io::PosixFileSystem::Instance();
  auto info = fs.Stat(path);
  if (!info) {
    std::fprintf(stderr, "%s\n", info.error().message.c_str());
    return 1;
  }
  long before = MaxRssKb();
  double cpu_before = CpuSeconds();
  auto start = std::chrono::steady_clock::now();
  auto state = mtg::journal::LoadJournal(fs, path);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = CpuSeconds() - cpu_before;
  long after = MaxRssKb();
  if (!state) {
    std::fprintf(stderr, "%s\n", state.error().message.c_str());
    return 1;
  }
  double file_mb = static_cast<double>(info->size) / 1e6;
  double rss_mb = static_cast<double>(after - before) * 1024 / 1e6;
  std::printf("seconds=%.3f cpu_seconds=%.3f file_mb=%.1f rss_delta_mb=%.1f ratio=%.3f heap_mb=%.1f lines=%llu archives=%zu files=%zu\n",
              seconds, cpu, file_mb, rss_mb, rss_mb / file_mb, static_cast<double>(state->memory_bytes()) / 1e6,
              static_cast<unsigned long long>(state->line_count()), state->archive_count(), state->file_count());
  return 0;
}

std::string BenchJournal() {
  static std::string path = [] {
    const char* env = std::getenv("MTG_JOURNAL_BENCH_RECORDS");
    size_t records = env != nullptr ? std::strtoull(env, nullptr, 10) : 200000;
    std::string p = "/tmp/mtg_journal_bench_" + std::to_string(records) + ".log";
    if (!Generate(p, records)) std::abort();
    return p;
  }();
  return path;
}

void BM_ParseLines(benchmark::State& st) {
  std::string line = "B\t1795731856\tCREATED\t" + std::string(138, 'A') + "\t2097157\t1546603200\t" +
                     std::string(64, 'a') + "\tsizes/some directory/a file name of about sixty bytes.dat";
  mtg::journal::ParsedLine parsed;
  for (auto _ : st) {
    auto problem = mtg::journal::ParseLine(line, parsed);
    benchmark::DoNotOptimize(problem);
    benchmark::DoNotOptimize(parsed);
  }
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * (line.size() + 1)));
}
BENCHMARK(BM_ParseLines);

void BM_LoadJournal(benchmark::State& st) {
  std::string path = BenchJournal();
  auto& fs = mtg::io::PosixFileSystem::Instance();
  uint64_t bytes = fs.Stat(path)->size;
  size_t lines = 0;
  for (auto _ : st) {
    auto state = mtg::journal::LoadJournal(fs, path);
    if (!state) {
      st.SkipWithError(state.error().message.c_str());
      break;
    }
    lines = state->line_count();
    benchmark::DoNotOptimize(state->archive_count());
  }
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * bytes));
  st.counters["lines"] = static_cast<double>(lines);
  st.counters["lines/s"] = benchmark::Counter(static_cast<double>(st.iterations() * lines), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LoadJournal)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--generate") == 0) {
    size_t records = argc >= 4 ? std::strtoull(argv[3], nullptr, 10) : 1000000;
    return Generate(argv[2], records) ? 0 : 1;
  }
  if (argc >= 3 && std::strcmp(argv[1], "--load-once") == 0) return LoadOnce(argv[2]);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
