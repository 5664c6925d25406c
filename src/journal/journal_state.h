// The replayed state of a journal (reference §5.3): the live archives (CREATED and not DELETED),
// grouped by relative file name with every version kept, the latest version of each file, and
// the RETRIEVE_JOB records that restore's 24-hour rule needs. Built by JournalReader (replay.h).
//
// Handles (Archive, FileEntry) are small values that point into the state; they stay valid as
// long as the JournalState they came from (moving the state does not invalidate them).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace mtg::journal {

namespace internal {
struct Store;
}

// A warning (or, in Error messages, the problem) with the 1-based line it concerns.
struct Diagnostic {
  uint64_t line = 0;
  std::string message;
};

struct RetrieveJob {
  std::string archive_id;
  std::string job_id;  // empty for version-0 records, which had none
  int64_t time = 0;
  uint64_t line = 0;
};

// One live archive.
class Archive {
 public:
  std::string archive_id() const;
  bool HasArchiveId(std::string_view id) const;
  std::string_view relfilename() const;
  int64_t time() const;                 // when it was uploaded (or its inventory CreationDate)
  std::optional<int64_t> mtime() const; // nullopt for NONE (foreign archive) and old formats
  uint64_t size() const;
  std::string tree_hash() const;        // as written in the journal (normally 64 lowercase hex)
  uint64_t line() const;                // line of its CREATED record

 private:
  friend class JournalState;
  friend class FileEntry;
  friend bool IsNewerVersion(const Archive& a, const Archive& b);
  Archive(const internal::Store* store, uint32_t index) : store_(store), index_(index) {}
  const internal::Store* store_;
  uint32_t index_;
};

// One relative file name with at least one live version.
class FileEntry {
 public:
  std::string_view relfilename() const;
  // The version restore, sync and check-local-hash use: greatest (mtime if known, else time),
  // then greatest time; on a full tie the one written later.
  Archive latest() const;
  size_t version_count() const;
  // Every live version in journal order (purge-vault deletes them all).
  std::vector<Archive> versions() const;
  // A small number that identifies this file within its JournalState, below
  // JournalState::file_id_limit() (for bitsets over the journal's files).
  uint32_t id() const { return file_; }

 private:
  friend class JournalState;
  FileEntry(const internal::Store* store, uint32_t file) : store_(store), file_(file) {}
  const internal::Store* store_;
  uint32_t file_;
};

// True when `a` is a newer version than `b` by the rule of FileEntry::latest (without the tie
// break on journal order).
bool IsNewerVersion(const Archive& a, const Archive& b);

class JournalState {
 public:
  JournalState();
  ~JournalState();
  JournalState(JournalState&&) noexcept;
  JournalState& operator=(JournalState&&) noexcept;

  size_t archive_count() const;  // live archives, all versions
  size_t file_count() const;
  // Every FileEntry::id() is below this.
  size_t file_id_limit() const;
  // Files in the order their name first appeared in the journal.
  FileEntry file(size_t i) const;
  std::optional<FileEntry> FindFile(std::string_view relfilename) const;
  std::optional<Archive> FindArchive(std::string_view archive_id) const;
  // Every live archive in journal order.
  std::vector<Archive> archives() const;

  const std::vector<RetrieveJob>& retrieve_jobs() const { return retrieve_jobs_; }
  // Archive ids with a RETRIEVE_JOB record less than 24 hours before `now` (or after it), which
  // restore must not request again (reference §2.3).
  std::unordered_set<std::string> ActiveRetrievals(int64_t now) const;

  // Lines read, warnings (a torn last line, tolerated inconsistencies).
  uint64_t line_count() const { return line_count_; }
  const std::vector<Diagnostic>& warnings() const { return warnings_; }
  // When the last line was torn (no final newline): the byte offset where it starts. The writer
  // truncates the file there before appending, so the next record starts on a fresh line.
  std::optional<uint64_t> torn_tail_offset() const { return torn_tail_offset_; }
  // Heap bytes held (arena, records, tables), for the benchmark.
  size_t memory_bytes() const;

 private:
  friend class JournalReader;
  std::unique_ptr<internal::Store> store_;
  std::vector<RetrieveJob> retrieve_jobs_;
  std::vector<Diagnostic> warnings_;
  uint64_t line_count_ = 0;
  std::optional<uint64_t> torn_tail_offset_;
};

}  // namespace mtg::journal
