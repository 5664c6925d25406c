// What the transfer commands (sync, upload-file, purge-vault) share: one connection per worker,
// the journal opened for writing with its pending-upload sidecar, and the console side of a run —
// one log line per file on stdout, errors on stderr, and, when stderr is a terminal, a live
// progress line (files, bytes, rate, ETA) that plain log lines replace when it is not.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/options_parser.h"
#include "cli/vault_commands.h"
#include "sync/upload_executor.h"

namespace mtg::cli {

struct Workers {
  std::vector<std::unique_ptr<Connection>> connections;
  std::vector<glacier::Client*> clients;
};
// `count` connections (each its own kept-alive HTTP connection) from the resolved settings.
[[nodiscard]] Result<Workers> ConnectWorkers(const Options& options, unsigned count);

// The --concurrency value (1..30, default 4) and --partsize in bytes (default 16 MiB).
unsigned ConcurrencyOf(const Options& options);
uint64_t PartSizeOf(const Options& options);

// Prints `Option "--NAME" required` for the first missing one and returns false.
bool HasRequiredOptions(Context& ctx, std::string_view command, const Options& options,
                        std::initializer_list<std::string_view> names);

// The filters of the command line, in order.
[[nodiscard]] Result<sync::Filter> FilterOf(const Options& options);

class ConsoleObserver final : public sync::ExecutorObserver {
 public:
  // quiet (--quiet): per-file lines, notices and progress are left out; errors and summaries stay.
  ConsoleObserver(Context& ctx, std::string command, bool quiet = false);
  ~ConsoleObserver() override;

  // Work known so far (sync learns it while it scans); `complete` once all of it is known.
  void Planned(uint64_t files, uint64_t bytes, bool complete);

  void Started(const sync::Action& action) override;
  void Bytes(uint64_t n) override;
  void Notice(const std::string& line) override;
  void Finished(const sync::Action& action, const sync::FileResult& result) override;
  // A file done outside the executor (restore-completed).
  void FileDone();

  // Items that failed, and items done with a warning.
  uint64_t failures() const { return failures_; }
  uint64_t warnings() const { return warnings_; }
  // "N uploaded, ... ; B bytes sent in T s (R MB/s)".
  std::string Summary(const sync::ExecutorTotals& totals) const;
  // Prints a line on stdout, clearing the progress line first.
  void Line(const std::string& line);
  // A per-file line: printed unless quiet.
  void FileLine(const std::string& line);
  void ErrorLine(const std::string& message);

 private:
  void Repaint(bool force);
  void ClearStatus();

  Context& ctx_;
  std::string command_;
  mutable std::recursive_mutex mu_;  // Planned() comes from the planner's thread
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_paint_;
  uint64_t planned_files_ = 0, planned_bytes_ = 0;
  bool plan_complete_ = false;
  uint64_t files_done_ = 0, bytes_done_ = 0;
  uint64_t failures_ = 0, warnings_ = 0;
  bool status_shown_ = false;
  bool quiet_ = false;
};

std::string HumanBytes(uint64_t bytes);

}  // namespace mtg::cli
