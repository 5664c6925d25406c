// The pure decisions of restore and restore-completed (reference §2.3, §2.4), separate from
// the network so they can be tested on a memory file system: which journal files are missing
// locally (latest version of each name, name vetted by target_path.h), which of them restore
// requests (not retrieved in the last 24 hours, at most --max-number-of-files), and which
// completed job restore-completed downloads each from (the newest usable one, where the
// original took the first one it saw).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/result.h"
#include "glacier/types.h"
#include "io/file_system.h"
#include "journal/journal_state.h"

namespace mtg::sync {

struct RestoreCandidate {
  std::string archive_id{};
  std::string relfilename{};
  uint64_t size = 0;
  std::string tree_hash{};
  // The mtime the restored file gets: the journal's, or for an mtime NONE record (a journal
  // rebuilt from someone else's inventory) the archive's creation time, the record's time.
  int64_t mtime = 0;
  bool mtime_from_creation = false;
};

struct RefusedFile {
  std::string relfilename{};
  Error error{};
};

struct MissingFiles {
  std::vector<RestoreCandidate> files{};  // journal order
  std::vector<RefusedFile> refused{};     // names that may not be written under dir
};

// The latest version of every journal file that is not a regular file under `dir` (stat
// follows symlinks, as the original's "-f" did), with unsafe names refused instead.
MissingFiles FindMissingFiles(io::FileSystem& fs, const std::string& dir,
                              const journal::JournalState& state);

struct RetrievalPlan {
  std::vector<RestoreCandidate> archives{};
  uint64_t bytes = 0;
  size_t recently_requested = 0;  // skipped: a RETRIEVE_JOB record less than 24 h old
  size_t over_limit = 0;          // skipped: beyond max_files
};

// restore's choice: the missing files whose archive was not requested recently, the first
// max_files of them (journal order; the original's was random).
RetrievalPlan PlanRetrievals(const std::vector<RestoreCandidate>& missing,
                             const std::unordered_set<std::string>& active, uint64_t max_files);

// True when `job` can restore a whole archive of `size` bytes: a succeeded, completed
// ArchiveRetrieval whose byte range (if any) is the whole archive.
bool IsUsableRetrievalJob(const glacier::JobInfo& job, uint64_t size);

// Keeps, per wanted archive (id → size), the newest usable job: greatest CompletionDate, then
// CreationDate; the first seen on a tie. Feed it every page of ListJobs.
class RetrievalJobMatcher {
 public:
  explicit RetrievalJobMatcher(std::unordered_map<std::string, uint64_t> wanted)
      : wanted_(std::move(wanted)) {}
  void Consider(const glacier::JobInfo& job);
  const std::unordered_map<std::string, glacier::JobInfo>& matches() const { return matches_; }

 private:
  std::unordered_map<std::string, uint64_t> wanted_;
  std::unordered_map<std::string, glacier::JobInfo> matches_;
};

}  // namespace mtg::sync
