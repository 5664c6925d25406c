#include "sync/plan.h"

#include <algorithm>

#include "sync/download_state.h"

namespace mtg::sync {

Result<Detect> ParseDetect(std::string_view name) {
  if (name == "treehash") return Detect::kTreehash;
  if (name == "mtime") return Detect::kMtime;
  if (name == "mtime-and-treehash") return Detect::kMtimeAndTreehash;
  if (name == "mtime-or-treehash") return Detect::kMtimeOrTreehash;
  if (name == "always-positive") return Detect::kAlwaysPositive;
  if (name == "size-only") return Detect::kSizeOnly;
  return Fail(ErrorCode::kInvalidArgument, "unknown --detect mode \"" + std::string(name) + "\"");
}

Verdict DecideModified(Detect detect, const journal::Archive& latest, uint64_t size, int64_t mtime) {
  if (detect == Detect::kAlwaysPositive) return Verdict::kUpload;
  if (latest.size() != size) return Verdict::kUpload;
  // A journal mtime of NONE (a foreign archive) never differs, as in the original.
  const std::optional<int64_t> recorded = latest.mtime();
  const bool mtime_differs = recorded.has_value() && *recorded != mtime;
  switch (detect) {
    case Detect::kSizeOnly: return Verdict::kUnchanged;
    case Detect::kMtime: return mtime_differs ? Verdict::kUpload : Verdict::kUnchanged;
    case Detect::kTreehash: return Verdict::kCheckTreeHash;
    case Detect::kMtimeAndTreehash: return mtime_differs ? Verdict::kCheckTreeHash : Verdict::kUnchanged;
    case Detect::kMtimeOrTreehash: return mtime_differs ? Verdict::kUpload : Verdict::kCheckTreeHash;
    case Detect::kAlwaysPositive: break;
  }
  return Verdict::kUpload;
}

Planner::Planner(const journal::JournalState& journal, Scanner& scanner, PlanOptions options)
    : journal_(journal), scanner_(scanner), options_(options), seen_(journal.file_id_limit(), false) {}

bool Planner::Next(Action& action) {
  if (!scan_done_) {
    if (NextFromScan(action)) return true;
    scan_done_ = true;
    // The original ran the missing-file pass only when the listing limit was not reached.
    if (limit_reached_) return false;
  }
  if (!options_.delete_removed || limit_reached_) return false;
  return NextDeletion(action);
}

// Counts one file towards --max-number-of-files; true when the limit is now reached.
bool Planner::CountAndCheckLimit() {
  ++counted_;
  if (options_.max_number_of_files && counted_ >= *options_.max_number_of_files) {
    limit_reached_ = true;
  }
  return limit_reached_;
}

bool Planner::UnderUnknownDir(std::string_view relative_name) const {
  // unknown_dirs_ is short (one entry per unreadable directory), so a linear pass is fine.
  return std::any_of(unknown_dirs_.begin(), unknown_dirs_.end(),
                     [&](const std::string& prefix) { return relative_name.starts_with(prefix); });
}

bool Planner::NextFromScan(Action& action) {
  while (!limit_reached_ && scanner_.Next(event_)) {
    switch (event_.kind) {
      case ScanEventKind::kFile: break;
      case ScanEventKind::kZeroSizeFile: continue;  // Glacier has no empty archives: "missing"
      case ScanEventKind::kUnreadableDir:
      case ScanEventKind::kStatFailed:
      case ScanEventKind::kBadName:
        // What could not be seen is unknown, never missing: its journal records are kept.
        if (auto f = journal_.FindFile(event_.relative_name)) seen_[f->id()] = true;
        unknown_dirs_.push_back(event_.relative_name + "/");
        if (on_scan_event) on_scan_event(event_);
        continue;
      default:
        if (on_scan_event) on_scan_event(event_);
        continue;
    }
    std::optional<journal::FileEntry> known = journal_.FindFile(event_.relative_name);
    if (!known && IsRestoreTempName(event_.relative_name)) continue;  // an unfinished restore's
    if (!known) {
      if (!options_.add_new) {
        action = Action{.kind = ActionKind::kNotExists, .relative_name = event_.relative_name};
        return true;
      }
      ++stats_.new_files;
      CountAndCheckLimit();
      action = Action{.kind = ActionKind::kUpload, .relative_name = event_.relative_name,
                      .size = event_.size, .mtime = event_.mtime};
      return true;
    }
    seen_[known->id()] = true;
    if (!options_.replace_modified) {
      ++stats_.skipped;
      action = Action{.kind = ActionKind::kSkip, .relative_name = event_.relative_name};
      return true;
    }
    CountAndCheckLimit();  // "existing" files count even when they turn out unchanged
    journal::Archive latest = known->latest();
    Verdict verdict = DecideModified(options_.detect, latest, event_.size, event_.mtime);
    if (verdict == Verdict::kUnchanged) {
      ++stats_.unchanged;
      continue;
    }
    ++stats_.modified;
    action = Action{.kind = ActionKind::kReplace,
                    .relative_name = event_.relative_name,
                    .size = event_.size,
                    .mtime = event_.mtime,
                    .check_tree_hash = verdict == Verdict::kCheckTreeHash,
                    .old_archive_id = latest.archive_id(),
                    .old_tree_hash = latest.tree_hash()};
    return true;
  }
  return false;
}

bool Planner::NextDeletion(Action& action) {
  while (!limit_reached_ && next_deletion_ < journal_.file_count()) {
    journal::FileEntry entry = journal_.file(next_deletion_++);
    if (seen_[entry.id()]) continue;
    if (UnderUnknownDir(entry.relfilename())) {
      ++stats_.unknown;
      continue;
    }
    ++stats_.missing;
    CountAndCheckLimit();
    journal::Archive latest = entry.latest();
    action = Action{.kind = ActionKind::kDelete, .relative_name = std::string(entry.relfilename()),
                    .old_archive_id = latest.archive_id()};
    return true;
  }
  return false;
}

}  // namespace mtg::sync
