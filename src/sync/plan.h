// The pure decision part of `sync` (mt-aws-glacier 1.120 Command/Sync.pm, reference §2.1): merges
// the local scan with the replayed journal and yields one action per file, lazily, so memory holds
// the journal, one bit per journal file and the directories the scan could not read — never a
// list of all local files. No I/O here besides what the Scanner does; the executor does the rest.
//
// Order: the scan's byte order for new and modified files, then the deletions (journal order).
// The original interleaved its three streams; deleting last is safer (a renamed file's new copy is
// stored before the old one goes) and the journal ends the same.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "journal/journal_state.h"
#include "sync/scan.h"

namespace mtg::sync {

enum class Detect { kTreehash, kMtime, kMtimeAndTreehash, kMtimeOrTreehash, kAlwaysPositive, kSizeOnly };
[[nodiscard]] Result<Detect> ParseDetect(std::string_view name);

// What --replace-modified decides for a file that exists locally (size > 0) and in the journal.
enum class Verdict { kUnchanged, kUpload, kCheckTreeHash };
// The decision table of §2.1 against the journal's latest version of the file.
Verdict DecideModified(Detect detect, const journal::Archive& latest, uint64_t size, int64_t mtime);

struct PlanOptions {
  bool add_new = true;            // --new (also the default when no mode is given)
  bool replace_modified = false;  // --replace-modified
  bool delete_removed = false;    // --delete-removed
  Detect detect = Detect::kMtimeAndTreehash;
  std::optional<uint64_t> max_number_of_files{};  // --max-number-of-files
};

enum class ActionKind : uint8_t {
  kUpload,      // a file not in the journal
  kReplace,     // a modified file: upload, then delete the old archive (after a tree-hash check
                // when check_tree_hash is set)
  kDelete,      // in the journal, missing (or empty) locally
  kSkip,        // only --new: already in the journal ("Skip <rel>")
  kNotExists,   // --replace-modified without --new: not in the journal ("Not exists <rel>")
};

struct Action {
  ActionKind kind = ActionKind::kUpload;
  std::string relative_name{};
  uint64_t size = 0;     // local size (kUpload, kReplace)
  int64_t mtime = 0;     // local mtime (kUpload, kReplace)
  bool check_tree_hash = false;       // kReplace: upload only if the tree hash differs
  std::string old_archive_id{};       // kReplace, kDelete
  std::string old_tree_hash{};        // kReplace: the journal's, for the check
  std::string source_path{};          // where to read the file when not <dir>/<relative_name>
};

struct PlanStats {
  uint64_t new_files = 0, modified = 0, missing = 0, unchanged = 0, skipped = 0;
  uint64_t unknown = 0;  // journal files under a directory the scan could not read: kept
};

class Planner {
 public:
  // `journal` is the replay already restricted by the filters; `scanner` walks --dir with the same
  // filters. Both must outlive the planner.
  Planner(const journal::JournalState& journal, Scanner& scanner, PlanOptions options);

  // The next action, or false when the plan is complete. Scan notices and errors are handed to
  // `on_scan_event` (if set) as they come.
  bool Next(Action& action);

  std::function<void(const ScanEvent&)> on_scan_event;
  const PlanStats& stats() const { return stats_; }
  // Whether --max-number-of-files stopped the plan early.
  bool limit_reached() const { return limit_reached_; }

 private:
  bool CountAndCheckLimit();
  bool UnderUnknownDir(std::string_view relative_name) const;
  bool NextFromScan(Action& action);
  bool NextDeletion(Action& action);

  const journal::JournalState& journal_;
  Scanner& scanner_;
  PlanOptions options_;
  std::vector<bool> seen_;  // by FileEntry::id(): present locally with size > 0
  std::vector<std::string> unknown_dirs_;  // "a/b/" prefixes whose files the scan could not see
  ScanEvent event_;
  bool scan_done_ = false;
  bool limit_reached_ = false;
  size_t next_deletion_ = 0;
  uint64_t counted_ = 0;
  PlanStats stats_;
};

}  // namespace mtg::sync
