#include "cli/transfer.h"

#include <charconv>
#include <cstdio>
#include <ostream>

namespace mtg::cli {
namespace {

uint64_t ParseUnsigned(const std::optional<std::string>& text, uint64_t fallback) {
  if (!text) return fallback;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  return ec == std::errc() && end == text->data() + text->size() && v > 0 ? v : fallback;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

std::string Clock(double seconds) {
  uint64_t s = seconds < 0 ? 0 : static_cast<uint64_t>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                static_cast<unsigned long long>(s / 60 % 60), static_cast<unsigned long long>(s % 60));
  return buf;
}

}  // namespace

std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  }
  return buf;
}

Result<Workers> ConnectWorkers(const Options& options, unsigned count) {
  Workers workers;
  for (unsigned i = 0; i < count; ++i) {
    auto c = Connect(options);
    if (!c) return Fail(std::move(c.error()));
    workers.clients.push_back(&(*c)->client());
    workers.connections.push_back(std::move(*c));
  }
  return workers;
}

unsigned ConcurrencyOf(const Options& options) {
  return static_cast<unsigned>(ParseUnsigned(options.Get("concurrency"), 4));
}

uint64_t PartSizeOf(const Options& options) { return ParseUnsigned(options.Get("partsize"), 16) << 20; }

bool HasRequiredOptions(Context& ctx, std::string_view command, const Options& options,
                        std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (!options.Get(name)) {
      PrintError(ctx, command, "Option \"--" + std::string(name) + "\" required");
      return false;
    }
  }
  return true;
}

Result<sync::Filter> FilterOf(const Options& options) {
  std::vector<sync::FilterOption> list;
  for (const ListValue& l : options.lists()) {
    sync::FilterOptionKind kind = l.option == "filter"    ? sync::FilterOptionKind::kFilter
                                  : l.option == "include" ? sync::FilterOptionKind::kInclude
                                                          : sync::FilterOptionKind::kExclude;
    list.push_back({kind, l.value});
  }
  return sync::Filter::FromOptions(list);
}

ConsoleObserver::ConsoleObserver(Context& ctx, std::string command, bool quiet)
    : ctx_(ctx),
      command_(std::move(command)),
      start_(std::chrono::steady_clock::now()),
      last_paint_(start_),
      quiet_(quiet) {}

ConsoleObserver::~ConsoleObserver() {
  std::lock_guard lock(mu_);
  ClearStatus();
}

void ConsoleObserver::Planned(uint64_t files, uint64_t bytes, bool complete) {
  std::lock_guard lock(mu_);
  planned_files_ = files;
  planned_bytes_ = bytes;
  plan_complete_ = complete;
}

void ConsoleObserver::ClearStatus() {
  if (!status_shown_) return;
  ctx_.err << "\r\033[K" << std::flush;
  status_shown_ = false;
}

void ConsoleObserver::Line(const std::string& line) {
  std::lock_guard lock(mu_);
  ClearStatus();
  ctx_.out << line << '\n' << std::flush;
  Repaint(true);
}

void ConsoleObserver::FileLine(const std::string& line) {
  if (!quiet_) Line(line);
}

void ConsoleObserver::ErrorLine(const std::string& message) {
  std::lock_guard lock(mu_);
  ClearStatus();
  ctx_.out.flush();
  PrintError(ctx_, command_, message);
  Repaint(true);
}

// On a terminal: one status line, redrawn at most 5 times a second. Otherwise a plain progress
// line every 30 seconds, so a log of a long run shows it is alive and how far it got.
void ConsoleObserver::Repaint(bool force) {
  if (quiet_) return;
  auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double since = std::chrono::duration<double>(now - last_paint_).count();
  const bool terminal = ctx_.err_is_terminal;
  if (terminal ? (!force && since < 0.2) : (force || since < 30)) return;
  last_paint_ = now;
  const double rate = elapsed > 0 ? static_cast<double>(bytes_done_) / elapsed : 0;
  std::string text = "files " + std::to_string(files_done_) + "/" + std::to_string(planned_files_) +
                     (plan_complete_ ? "" : "+") + ", " + HumanBytes(bytes_done_) + "/" +
                     HumanBytes(planned_bytes_) + (plan_complete_ ? "" : "+") + ", " +
                     HumanBytes(static_cast<uint64_t>(rate)) + "/s";
  if (plan_complete_ && rate > 0 && planned_bytes_ >= bytes_done_) {
    text += ", ETA " + Clock(static_cast<double>(planned_bytes_ - bytes_done_) / rate);
  }
  if (terminal) {
    ctx_.err << "\r\033[K" << text << std::flush;
    status_shown_ = true;
  } else {
    ctx_.out << "Progress: " << text << '\n' << std::flush;
  }
}

void ConsoleObserver::Started(const sync::Action&) {}

void ConsoleObserver::Bytes(uint64_t n) {
  std::lock_guard lock(mu_);
  bytes_done_ += n;
  Repaint(false);
}

void ConsoleObserver::FileDone() {
  std::lock_guard lock(mu_);
  ++files_done_;
  Repaint(false);
}

void ConsoleObserver::Notice(const std::string& line) {
  if (line.starts_with("WARNING")) {
    ErrorLine(line);
  } else {
    FileLine(line);
  }
}

void ConsoleObserver::Finished(const sync::Action& action, const sync::FileResult& result) {
  std::lock_guard lock(mu_);
  ++files_done_;
  const std::string& rel = action.relative_name;
  switch (result.outcome) {
    case sync::Outcome::kUploaded:
    case sync::Outcome::kReplaced: {
      std::string line = "Finished " + rel + " hash [" + result.tree_hash + "] archive_id [" + result.archive_id + "]";
      if (result.resumed) {
        line += " (resumed an earlier upload; " + std::to_string(result.parts_reused) + " parts were already stored)";
      }
      FileLine(line);
      if (result.outcome == sync::Outcome::kReplaced && result.warning.empty()) {
        FileLine("Deleted old version of " + rel + " archive_id [" + action.old_archive_id + "]");
      }
      break;
    }
    case sync::Outcome::kUnchanged: FileLine("Unchanged " + rel + " (same tree hash)"); break;
    case sync::Outcome::kDeleted: FileLine("Deleted " + rel + " archive_id [" + result.archive_id + "]"); break;
    case sync::Outcome::kFailed:
      ++failures_;
      ErrorLine((result.error.message.starts_with(rel + ": ") ? "" : rel + ": ") + result.error.ToString());
      break;
  }
  if (!result.warning.empty()) {
    ++warnings_;
    ErrorLine("WARNING: " + rel + ": " + result.warning);
  }
}

std::string ConsoleObserver::Summary(const sync::ExecutorTotals& t) const {
  std::lock_guard lock(mu_);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(t.bytes_uploaded) / elapsed : 0;
  return std::to_string(t.uploaded) + " uploaded, " + std::to_string(t.replaced) + " replaced, " +
         std::to_string(t.unchanged) + " unchanged, " + std::to_string(t.deleted) + " deleted, " +
         std::to_string(t.failed) + " failed; " + HumanBytes(t.bytes_uploaded) + " sent in " +
         Seconds(elapsed) + " s (" + HumanBytes(static_cast<uint64_t>(rate)) + "/s)";
}

}  // namespace mtg::cli
