// Writing a journal: version B lines exactly as mt-aws-glacier 1.120 writes them (reference §5.2,
// §5.4), one record per append, each made durable (fdatasync) before the call returns, so a
// record that was reported written survives a crash.
//
// Threads: the Add* calls may come from several threads at once. Appends are serialized (each
// line is one write, so lines never interleave) and durability is a group commit: while one
// thread's fdatasync is in flight, lines appended by others wait and are covered together by
// the next one. With many small files finishing at once this turns one device flush per file into
// one per batch; each call still returns only once its own line is on disk. A failed fdatasync
// is final: Linux may drop the dirty pages it could not write and report that only once, so no
// later record could be trusted to be durable, and every later append fails too.
//
// AddCreatedThen is the same append without the wait: the line is written at once (so it
// survives the process being killed), and a flusher thread makes it durable within about
// kFlushDelay together with whatever else arrived meanwhile, then calls back. The uploader uses
// it for small new files, so a worker goes on to its next file instead of sleeping in a flush per
// file; the file is reported done only from the callback. On a power cut the lines of the last
// few milliseconds can be lost, as the last line always could be between the service's answer
// and its flush: those archives are uploaded again by the next run (verify lists the extras).
//
// Locking: the writer holds an exclusive flock on "<journal>.lock" for its whole life, not on the
// journal itself, so the journal is created only when the first record is written (a dry run
// or a run that uploads nothing leaves no journal behind) while a second writer still fails at
// once, before doing any work. The lock file is left in place when the writer ends: removing it
// would let a third process lock a fresh file while a second one holds the old, unlinked one.
// mt-aws-glacier never locked, so it does not see our lock; running both at once is unsupported.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

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
  // Appends without waiting for the flush; `durable` runs on the flusher thread once the line
  // is on disk, or with the error if it never will be. An error returned here (a bad record, a
  // failed write) means `durable` is not called.
  [[nodiscard]] Result<void> AddCreatedThen(const CreatedRecord& record, std::function<void(Result<void>)> durable);
  // Returns once every line appended so far is durable (or failed) and its callback has run.
  void Drain();
  static constexpr std::chrono::milliseconds kFlushDelay{2};
  [[nodiscard]] Result<void> AddDeleted(int64_t time, std::string_view archive_id, std::string_view relfilename);
  [[nodiscard]] Result<void> AddRetrieveJob(int64_t time, std::string_view archive_id, std::string_view job_id);

  // Closes the journal (reporting close errors) and releases the lock.
  [[nodiscard]] Result<void> Close();

  const std::string& path() const { return path_; }
  uint64_t records_written() const;
  // Bytes of a torn last line that were cut off before the first append (0 if none).
  uint64_t repaired_tail_bytes() const;
  // fdatasync calls made so far (each covers every line appended before it started).
  uint64_t syncs() const;

 private:
  JournalWriter(io::FileSystem& fs, std::string path, std::unique_ptr<io::FileLock> lock);
  Result<void> AppendLine(Result<std::string> line);
  Result<uint64_t> WriteChecked(Result<std::string> line);   // mu_ held
  Result<void> WriteLine(std::string& line);                 // mu_ held
  Result<void> WaitDurable(std::unique_lock<std::mutex>& lk, uint64_t seq);
  void FlusherLoop();
  void StopFlusher();
  Result<void> CutTornTail();

  io::FileSystem& fs_;
  std::string path_;
  mutable std::mutex mu_;
  std::condition_variable synced_cv_;
  std::unique_ptr<io::FileLock> lock_;
  std::unique_ptr<io::AppendableFile> file_;
  bool check_tail_ = true;
  uint64_t appended_seq_ = 0;       // lines written to the file
  uint64_t durable_seq_ = 0;        // lines covered by a finished fdatasync
  bool syncing_ = false;            // a thread is in fdatasync (without mu_)
  std::optional<Error> sync_error_; // set by the first failed fdatasync; final
  uint64_t records_written_ = 0;
  uint64_t repaired_tail_bytes_ = 0;
  uint64_t syncs_ = 0;
  // Deferred durability (AddCreatedThen): callbacks by line number, in append order.
  struct Waiting {
    uint64_t seq = 0;
    std::function<void(Result<void>)> durable;
  };
  std::vector<Waiting> waiting_;
  bool delivering_ = false;  // the flusher is running callbacks (without mu_)
  bool hurry_ = false;       // Drain or Close: flush without the delay
  bool stop_ = false;
  std::condition_variable flusher_cv_;  // new waiting lines, hurry, stop
  std::condition_variable drained_cv_;  // waiting_ emptied and delivered
  std::thread flusher_;
};

}  // namespace mtg::journal
