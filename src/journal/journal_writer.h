// Writing a journal: version B lines exactly as mt-aws-glacier 1.120 writes them (reference §5.2,
// §5.4), one record per append, each made durable (fdatasync) before the call returns, so a
// record that was reported written survives a crash.
//
// Locking: the writer holds an exclusive flock on "<journal>.lock" for its whole life, not on the
// journal itself, so the journal is created only when the first record is written (a dry run
// or a run that uploads nothing leaves no journal behind) while a second writer still fails at
// once, before doing any work. The lock file is left in place when the writer ends: removing it
// would let a third process lock a fresh file while a second one holds the old, unlinked one.
// mt-aws-glacier never locked, so it does not see our lock; running both at once is unsupported.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/file_system.h"

namespace mtg::journal {

struct CreatedRecord {
  int64_t time = 0;                // when the service completed the upload (>= 0)
  std::string_view archive_id;
  uint64_t size = 0;
  std::optional<int64_t> mtime;    // nullopt is written as NONE (foreign archive)
  std::string_view tree_hash;      // 64 lowercase hex digits
  std::string_view relfilename;    // must pass IsRelativeFilename
};

// The exact lines (without "\n"). They refuse values that would not read back identically:
// negative time, an empty id / hash / job id or one with whitespace, a name that is not a
// canonical relative name.
[[nodiscard]] Result<std::string> FormatCreated(const CreatedRecord& record);
[[nodiscard]] Result<std::string> FormatDeleted(int64_t time, std::string_view archive_id,
                                                std::string_view relfilename);
[[nodiscard]] Result<std::string> FormatRetrieveJob(int64_t time, std::string_view archive_id,
                                                    std::string_view job_id);

class JournalWriter {
 public:
  // Takes the lock; kLocked "journal <path> is in use by another mtglacier process" if it is
  // held. The journal file is not touched until the first record.
  [[nodiscard]] static Result<std::unique_ptr<JournalWriter>> Open(io::FileSystem& fs, std::string path);
  ~JournalWriter();

  [[nodiscard]] Result<void> AddCreated(const CreatedRecord& record);
  [[nodiscard]] Result<void> AddDeleted(int64_t time, std::string_view archive_id, std::string_view relfilename);
  [[nodiscard]] Result<void> AddRetrieveJob(int64_t time, std::string_view archive_id, std::string_view job_id);

  // Closes the journal (reporting close errors) and releases the lock.
  [[nodiscard]] Result<void> Close();

  const std::string& path() const { return path_; }
  uint64_t records_written() const { return records_written_; }
  // Bytes of a torn last line that were cut off before the first append (0 if none).
  uint64_t repaired_tail_bytes() const { return repaired_tail_bytes_; }

 private:
  JournalWriter(io::FileSystem& fs, std::string path, std::unique_ptr<io::FileLock> lock);
  Result<void> AppendLine(Result<std::string> line);
  Result<void> CutTornTail();

  io::FileSystem& fs_;
  std::string path_;
  std::unique_ptr<io::FileLock> lock_;
  std::unique_ptr<io::AppendableFile> file_;
  bool check_tail_ = true;
  uint64_t records_written_ = 0;
  uint64_t repaired_tail_bytes_ = 0;
};

}  // namespace mtg::journal
