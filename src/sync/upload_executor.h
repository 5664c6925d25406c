// Carries out the actions of a sync (or one upload-file) against the service: uploads, replacements
// and deletions, with `clients.size()` worker threads, each with its own client and connection.
//
// How work is shared: a file up to the part size is one UploadArchive request; a larger file is a
// multipart upload whose parts any idle worker takes, so the parts of one file go up in parallel
// and the next file starts only when no part is waiting. Each worker owns one buffer of at most the
// part size: a part is read from disk once (pread), its SHA-256 and tree hash come from one pass
// over the buffer on that worker, and the archive's tree hash is combined from the part hashes.
// Peak memory: workers × part size, whatever the number of files.
//
// Safety rules (the reason this file exists in this shape):
//   - a journal record is appended (fsynced) only after the service confirmed the upload or delete;
//     a replaced file's old archive is deleted only after the new one is recorded;
//   - every multipart upload is in the pending sidecar from its initiation until its journal
//     record; the next run resumes it (lists the parts the service has, sends the rest, re-sends a
//     part whose tree hash differs) or, if the file changed, aborts it;
//   - a file that changes size or mtime, shrinks or disappears while it is read fails cleanly (its
//     upload is aborted; the next run uploads it afresh); the others go on;
//   - a failed request is retried by the client (transient errors); anything else fails the file,
//     which is reported, and the run continues.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <semaphore>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "glacier/client.h"
#include "io/file_system.h"
#include "journal/journal_writer.h"
#include "journal/pending_uploads.h"
#include "sync/plan.h"

namespace mtg::sync {

struct ExecutorOptions {
  std::string vault{};
  std::string dir{};           // names are relative to it
  uint64_t part_size = 16 << 20;  // bytes, a power of two from 1 MiB to 4 GiB
};

enum class Outcome : uint8_t {
  kUploaded,   // new archive recorded
  kReplaced,   // new archive recorded, old one deleted and recorded
  kUnchanged,  // tree hash check: same content, nothing sent
  kDeleted,    // archive deleted and recorded
  kFailed,
};

struct FileResult {
  Outcome outcome = Outcome::kFailed;
  std::string archive_id{};  // the new archive (uploaded/replaced) or the deleted one
  std::string tree_hash{};
  bool resumed = false;      // a multipart upload from an earlier run was continued
  uint64_t parts_reused = 0; // parts the service already had
  Error error{};             // kFailed
  std::string warning{};     // done, but something needs the user's attention
};

// Receives progress. Calls come from worker threads, one at a time (the executor serialises them).
class ExecutorObserver {
 public:
  virtual ~ExecutorObserver() = default;
  virtual void Started(const Action& /*action*/) {}
  virtual void Bytes(uint64_t /*n*/) {}  // bytes sent (or confirmed present on resume)
  virtual void Notice(const std::string& /*line*/) {}
  virtual void Finished(const Action& action, const FileResult& result) = 0;
};

struct ExecutorTotals {
  uint64_t uploaded = 0, replaced = 0, unchanged = 0, deleted = 0, failed = 0;
  uint64_t bytes_uploaded = 0;  // sent this run (not parts an earlier run stored)
  bool cancelled = false;
};

// The part size a file of `size` bytes needs: `preferred`, doubled until at most 10,000 parts.
uint64_t PartSizeFor(uint64_t size, uint64_t preferred);

class UploadExecutor {
 public:
  UploadExecutor(io::FileSystem& fs, std::vector<glacier::Client*> clients,
                 journal::JournalWriter& journal, journal::PendingUploads& pending, Clock& clock,
                 ExecutorOptions options, ExecutorObserver& observer);
  ~UploadExecutor();

  // Runs every action `next` yields (called under the executor's lock, so it need not be
  // thread-safe) until it returns false and all work is done, or `cancel` becomes true (then
  // requests in flight finish, nothing new starts, and unfinished uploads stay resumable).
  ExecutorTotals Run(const std::function<bool(Action&)>& next, const std::atomic<bool>* cancel = nullptr);

  // After a run that was not cancelled: pending uploads of this vault that no action touched are
  // aborted when their file changed or vanished, and forgotten when the journal already records
  // them (the run that uploaded them died between the journal record and the sidecar update).
  // Also aborts uploads this run started whose initiation answer was lost (see AbortOrphans).
  // `journal_has` says whether the journal has a version of the name with that size and mtime.
  void SettleUntouchedPending(const std::function<bool(const journal::PendingUpload&)>& journal_has);
  // Aborts uploads this run initiated whose InitiateMultipartUpload answer was lost (the retry
  // started another upload, and the service keeps the first until it is aborted).
  void AbortOrphans(glacier::Client& client);

 private:
  struct FileState;
  struct Task;
  struct Worker;
  void WorkerLoop(size_t index);
  bool PickTask(Task& task);
  void StartAction(Worker& worker, const Action& action);
  void RunPart(Worker& worker, const std::shared_ptr<FileState>& file, uint64_t part);
  void FinishMultipart(Worker& worker, const std::shared_ptr<FileState>& file);
  void UploadSmall(Worker& worker, const Action& action);
  void Delete(Worker& worker, const Action& action);
  Result<bool> SameTreeHash(Worker& worker, const Action& action);
  void RecordThenReport(const Action& action, const std::string& archive_id, const std::string& tree_hash,
                        FileResult result);
  Result<void> Record(glacier::Client& client, const Action& action, const std::string& archive_id, const std::string& tree_hash,
                      FileResult& result);
  void Report(const Action& action, const FileResult& result);
  void Notice(const std::string& line);
  void AddBytes(uint64_t n, bool sent);
  std::string PathOf(const Action& action) const;

  io::FileSystem& fs_;
  std::vector<glacier::Client*> clients_;
  journal::JournalWriter& journal_;
  journal::PendingUploads& pending_;
  Clock& clock_;
  ExecutorOptions options_;
  ExecutorObserver& observer_;

  std::mutex mu_;  // the scheduling state below
  std::condition_variable cv_;
  std::vector<std::shared_ptr<FileState>> active_;  // multipart files with parts to send
  size_t starting_ = 0;    // workers inside StartAction
  bool source_done_ = false;
  const std::function<bool(Action&)>* next_ = nullptr;
  const std::atomic<bool>* cancel_ = nullptr;
  std::vector<std::string> touched_upload_ids_;
  std::set<std::string> initiated_descriptions_;

  std::unique_ptr<std::counting_semaphore<>> hash_slots_;  // one per core (see HashGate)
  std::mutex report_mu_;    // observer calls and totals
  ExecutorTotals totals_;
};

}  // namespace mtg::sync
