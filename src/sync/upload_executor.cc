#include "sync/upload_executor.h"

#include <algorithm>
#include <condition_variable>
#include <thread>

#include "base/page_buffer.h"
#include "hash/sha256.h"
#include "hash/tree_hash.h"
#include "http/transport.h"
#include "meta/description.h"

namespace mtg::sync {
namespace {

constexpr uint64_t kMaxParts = 10'000;
constexpr uint64_t kMaxPartSize = uint64_t{4} << 30;
constexpr uint64_t kDirectReadMin = uint64_t{1} << 20;

bool IsNotFound(const Error& e) {
  return e.code == ErrorCode::kNotFound || e.http_status == 404 || e.aws_code == "ResourceNotFoundException";
}

}  // namespace

namespace {

// Reading and hashing are CPU work: with more workers than cores (--concurrency 4 on 2 cores) they
// would preempt each other in the middle of a part and evict each other's data from the cache.
// Workers therefore take a slot for read + hash and release it before the network step.
class HashGate {
 public:
  explicit HashGate(std::counting_semaphore<>& slots) : slots_(slots) { slots_.acquire(); }
  ~HashGate() { Release(); }
  void Release() {
    if (held_) slots_.release();
    held_ = false;
  }

 private:
  std::counting_semaphore<>& slots_;
  bool held_ = true;
};

}  // namespace

uint64_t PartSizeFor(uint64_t size, uint64_t preferred) {
  uint64_t part = preferred;
  while (part < kMaxPartSize && (size + part - 1) / part > kMaxParts) part *= 2;
  return part;
}

// A multipart upload in progress. Fields below `mu_` of the executor are guarded by it; the
// part hashes are written by the worker that ran the part (each slot by one worker only).
struct UploadExecutor::FileState {
  Action action;
  std::unique_ptr<io::ReadableFile> file;
  std::string upload_id;
  uint64_t part_size = 0;
  uint64_t part_count = 0;
  uint64_t next_part = 0;
  uint64_t parts_done = 0;
  int in_flight = 0;
  bool failed = false;
  bool changed = false;  // the local file changed: abort the upload instead of keeping it
  Error error;
  bool resumed = false;
  std::vector<std::string> server_parts;  // tree hash hex the service has per part ("" none)
  std::atomic<uint64_t> parts_reused{0};
  std::vector<hash::Digest> part_hashes;
};

struct UploadExecutor::Task {
  enum Kind { kNone, kStart, kPart } kind = kNone;
  Action action;
  std::shared_ptr<FileState> file;
  uint64_t part = 0;
};

struct UploadExecutor::Worker {
  glacier::Client* client = nullptr;
  // One buffer for the worker's whole life, sized to the largest part it has needed (normally the
  // part size): reallocating per file let glibc keep freed blocks around, and zero-filling cost a
  // pass over memory the read overwrites anyway. Huge pages: 8 faults instead of 4,096 per 16 MiB.
  PageBuffer buffer;
  std::span<uint8_t> Buffer(size_t n, size_t preferred) {
    if (buffer.size() < n) {
      buffer = PageBuffer();
      buffer = PageBuffer(std::max(n, preferred));
      if (buffer.data() == nullptr) throw std::bad_alloc();
    }
    return buffer.first(n);
  }
};

UploadExecutor::UploadExecutor(io::FileSystem& fs, std::vector<glacier::Client*> clients,
                               journal::JournalWriter& journal, journal::PendingUploads& pending,
                               Clock& clock, ExecutorOptions options, ExecutorObserver& observer)
    : fs_(fs),
      clients_(std::move(clients)),
      journal_(journal),
      pending_(pending),
      clock_(clock),
      options_(std::move(options)),
      observer_(observer),
      hash_slots_(std::make_unique<std::counting_semaphore<>>(
          static_cast<std::ptrdiff_t>(std::max(1u, std::thread::hardware_concurrency())))) {}

UploadExecutor::~UploadExecutor() = default;

std::string UploadExecutor::PathOf(const Action& action) const {
  return action.source_path.empty() ? io::JoinPath(options_.dir, action.relative_name) : action.source_path;
}

void UploadExecutor::Report(const Action& action, const FileResult& result) {
  std::lock_guard lock(report_mu_);
  switch (result.outcome) {
    case Outcome::kUploaded: ++totals_.uploaded; break;
    case Outcome::kReplaced: ++totals_.replaced; break;
    case Outcome::kUnchanged: ++totals_.unchanged; break;
    case Outcome::kDeleted: ++totals_.deleted; break;
    case Outcome::kFailed: ++totals_.failed; break;
  }
  observer_.Finished(action, result);
}

void UploadExecutor::Notice(const std::string& line) {
  std::lock_guard lock(report_mu_);
  observer_.Notice(line);
}

void UploadExecutor::AddBytes(uint64_t n, bool sent) {
  std::lock_guard lock(report_mu_);
  if (sent) totals_.bytes_uploaded += n;
  observer_.Bytes(n);
}

ExecutorTotals UploadExecutor::Run(const std::function<bool(Action&)>& next, const std::atomic<bool>* cancel) {
  next_ = &next;
  cancel_ = cancel;
  source_done_ = false;
  std::vector<std::thread> threads;
  threads.reserve(clients_.size());
  for (size_t i = 0; i < clients_.size(); ++i) threads.emplace_back([this, i] { WorkerLoop(i); });
  for (std::thread& t : threads) t.join();
  journal_.Drain();  // the last small files are reported once their records are durable
  next_ = nullptr;
  totals_.cancelled = cancel != nullptr && cancel->load();
  return totals_;
}

bool UploadExecutor::PickTask(Task& task) {
  std::unique_lock lock(mu_);
  for (;;) {
    const bool cancelled = cancel_ != nullptr && cancel_->load();
    if (!cancelled) {
      for (const std::shared_ptr<FileState>& f : active_) {
        if (!f->failed && f->next_part < f->part_count) {
          task.kind = Task::kPart;
          task.file = f;
          task.part = f->next_part++;
          ++f->in_flight;
          return true;
        }
      }
      if (!source_done_) {
        if ((*next_)(task.action)) {
          task.kind = Task::kStart;
          ++starting_;
          return true;
        }
        source_done_ = true;
      }
    } else {
      // Nothing new starts; files with parts in flight are finished (or left resumable) by the
      // workers running those parts.
      source_done_ = true;
      for (const std::shared_ptr<FileState>& f : active_) {
        if (!f->failed) {
          f->failed = true;
          f->error = Error(ErrorCode::kCancelled, "interrupted; the upload resumes on the next run");
        }
      }
      std::erase_if(active_, [](const std::shared_ptr<FileState>& f) { return f->in_flight == 0; });
    }
    // Done when nothing can produce more work; otherwise wait for a worker to add or end some.
    bool parts_waiting = std::any_of(active_.begin(), active_.end(), [](const auto& f) {
      return !f->failed && f->next_part < f->part_count;
    });
    if (source_done_ && starting_ == 0 && !parts_waiting) {
      bool any_in_flight = std::any_of(active_.begin(), active_.end(),
                                       [](const auto& f) { return f->in_flight > 0; });
      if (!any_in_flight) {
        cv_.notify_all();
        return false;
      }
    }
    cv_.wait(lock);
  }
}

void UploadExecutor::WorkerLoop(size_t index) {
  Worker worker;
  worker.client = clients_[index];
  Task task;
  while (PickTask(task)) {
    if (task.kind == Task::kStart) {
      StartAction(worker, task.action);
      std::lock_guard lock(mu_);
      --starting_;
    } else {
      RunPart(worker, task.file, task.part);
    }
    task.file.reset();
    cv_.notify_all();
  }
}

Result<bool> UploadExecutor::SameTreeHash(Worker& worker, const Action& action) {
  auto file = fs_.OpenRead(PathOf(action), io::ReadHint::kSequential);
  if (!file) return Fail(std::move(file.error()));
  hash::TreeHasher hasher;
  std::span<uint8_t> buf = worker.Buffer(std::min<uint64_t>(std::max<uint64_t>(action.size, 1), 4 << 20), options_.part_size);
  uint64_t offset = 0;
  for (;;) {
    auto n = (*file)->ReadAt(offset, buf);
    if (!n) return Fail(std::move(n.error()));
    if (*n == 0) break;
    hasher.Update(buf.first(*n));
    offset += *n;
  }
  if (offset != action.size) return false;  // it changed since the scan: upload it
  return hash::ToHex(hasher.Final()) == action.old_tree_hash;
}

void UploadExecutor::StartAction(Worker& worker, const Action& action) {
  {
    std::lock_guard lock(report_mu_);
    observer_.Started(action);
  }
  if (action.kind == ActionKind::kDelete) return Delete(worker, action);
  if (action.kind != ActionKind::kUpload && action.kind != ActionKind::kReplace) return;
  // A small file is checked by UploadSmall on the bytes it would send, so it is read only once.
  if (action.size <= options_.part_size) return UploadSmall(worker, action);
  if (action.kind == ActionKind::kReplace && action.check_tree_hash) {
    auto same = SameTreeHash(worker, action);
    if (!same) {
      FileResult r;
      r.error = std::move(same.error());
      return Report(action, r);
    }
    if (*same) {
      // As in mt-aws-glacier, nothing is written: the journal keeps the old mtime.
      FileResult r;
      r.outcome = Outcome::kUnchanged;
      return Report(action, r);
    }
  }

  auto state = std::make_shared<FileState>();
  state->action = action;
  FileResult failure;
  auto fail = [&](Error e) {
    failure.error = std::move(e);
    Report(action, failure);
  };
  auto opened = fs_.OpenRead(PathOf(action), io::ReadHint::kDirect);  // whole aligned parts
  if (!opened) return fail(std::move(opened.error()));
  state->file = std::move(*opened);
  state->part_size = PartSizeFor(action.size, options_.part_size);
  if (state->part_size != options_.part_size) {
    Notice("NOTICE: " + action.relative_name + " (" + std::to_string(action.size) +
           " bytes) needs more than 10000 parts of " + std::to_string(options_.part_size >> 20) +
           " MiB; using " + std::to_string(state->part_size >> 20) + " MiB parts");
  }
  state->part_count = (action.size + state->part_size - 1) / state->part_size;
  state->part_hashes.resize(state->part_count);
  state->server_parts.resize(state->part_count);
  glacier::Client& client = *worker.client;

  // Resume an upload an earlier run left behind, if it is for this very file.
  journal::PendingUpload earlier;
  if (pending_.Find(options_.vault, action.relative_name, earlier)) {
    {
      std::lock_guard lock(mu_);
      touched_upload_ids_.push_back(earlier.upload_id);
    }
    const bool same_file = earlier.size == action.size && earlier.mtime == action.mtime &&
                           earlier.part_size == state->part_size;
    bool usable = false;
    if (same_file && !earlier.final_tree_hash.empty()) {
      // The last run got as far as completing: completing again returns the same archive.
      auto done = client.CompleteMultipartUpload(options_.vault, earlier.upload_id, action.size,
                                                 earlier.final_tree_hash);
      if (done) {
        FileResult r;
        r.resumed = true;
        if (auto recorded = Record(client, action, done->archive_id, earlier.final_tree_hash, r); !recorded) {
          r.outcome = Outcome::kFailed;
          r.error = std::move(recorded.error());
        }
        (void)pending_.Remove(earlier.upload_id);
        return Report(action, r);
      }
      if (!IsNotFound(done.error())) return fail(std::move(done.error()));
    } else if (same_file) {
      std::string marker;
      bool listed = true;
      do {
        auto page = client.ListParts(options_.vault, earlier.upload_id, marker);
        if (!page) {
          if (!IsNotFound(page.error())) return fail(std::move(page.error()));
          listed = false;
          break;
        }
        for (const glacier::PartInfo& p : page->parts) {
          uint64_t index = p.range.first / state->part_size;
          if (p.range.first % state->part_size == 0 && index < state->part_count) {
            state->server_parts[index] = p.tree_hash;
          }
        }
        marker = page->marker;
      } while (!marker.empty());
      usable = listed;
    }
    if (usable) {
      state->upload_id = earlier.upload_id;
      state->resumed = true;
    } else {
      if (!same_file) {
        Notice("NOTICE: " + action.relative_name + " changed since an earlier run began uploading it; "
               "aborting that upload and starting over");
        auto aborted = client.AbortMultipartUpload(options_.vault, earlier.upload_id);
        if (!aborted && !IsNotFound(aborted.error())) return fail(std::move(aborted.error()));
      }
      if (auto removed = pending_.Remove(earlier.upload_id); !removed) return fail(std::move(removed.error()));
    }
  }

  if (state->upload_id.empty()) {
    auto description = meta::EncodeDescription(action.relative_name, action.mtime);
    if (!description) return fail(std::move(description.error()).WithContext(action.relative_name));
    {
      std::lock_guard lock(mu_);
      initiated_descriptions_.insert(*description);
    }
    auto upload = client.InitiateMultipartUpload(options_.vault, *description, state->part_size);
    if (!upload) return fail(std::move(upload.error()));
    state->upload_id = *upload;
    journal::PendingUpload entry{.upload_id = state->upload_id, .vault = options_.vault,
                                 .part_size = state->part_size, .size = action.size,
                                 .mtime = action.mtime, .final_tree_hash = {},
                                 .relative_name = action.relative_name};
    if (auto added = pending_.Add(entry); !added) {
      (void)client.AbortMultipartUpload(options_.vault, state->upload_id);
      return fail(std::move(added.error()));
    }
    std::lock_guard lock(mu_);
    touched_upload_ids_.push_back(state->upload_id);
  }
  std::lock_guard lock(mu_);
  active_.push_back(std::move(state));
}

void UploadExecutor::RunPart(Worker& worker, const std::shared_ptr<FileState>& file, uint64_t part) {
  const uint64_t offset = part * file->part_size;
  const uint64_t length = std::min(file->part_size, file->action.size - offset);
  std::span<uint8_t> buf = worker.Buffer(length, options_.part_size);
  Error error;
  bool ok = false;
  bool changed = false;
  HashGate gate(*hash_slots_);  // released by the end of the read + hash below
  auto n = file->file->ReadAt(offset, buf);
  if (!n) {
    error = std::move(n.error());
  } else if (*n != length) {
    changed = true;
    error = Error(ErrorCode::kIntegrity, "file shrank while it was being uploaded");
  } else {
    hash::DualHash hashes = hash::Sha256AndTreeHash(buf);
    gate.Release();
    file->part_hashes[part] = hashes.tree;
    if (!file->server_parts[part].empty() && file->server_parts[part] == hash::ToHex(hashes.tree)) {
      file->parts_reused.fetch_add(1);
      AddBytes(length, false);
      ok = true;
    } else {
      http::MemoryBody body(std::span<const uint8_t>(buf.data(), buf.size()));
      auto sent = worker.client->UploadPart(options_.vault, file->upload_id, offset, body, hashes);
      if (sent) {
        ok = true;
        AddBytes(length, true);
      } else {
        error = std::move(sent.error());
      }
    }
  }
  bool finish = false;
  {
    std::lock_guard lock(mu_);
    --file->in_flight;
    if (ok) {
      ++file->parts_done;
    } else if (!file->failed) {
      file->failed = true;
      file->changed = changed;
      file->error = std::move(error);
    }
    const bool all_sent = file->parts_done == file->part_count;
    if ((all_sent || file->failed) && file->in_flight == 0 &&
        std::find(active_.begin(), active_.end(), file) != active_.end()) {
      std::erase(active_, file);
      finish = true;
    }
  }
  if (finish) FinishMultipart(worker, file);
}

void UploadExecutor::FinishMultipart(Worker& worker, const std::shared_ptr<FileState>& file) {
  const Action& action = file->action;
  glacier::Client& client = *worker.client;
  FileResult result;
  result.resumed = file->resumed;
  result.parts_reused = file->parts_reused.load();
  if (!file->failed) {
    // The parts were read at different times; the file must be the one the scan saw throughout.
    auto now = fs_.Stat(PathOf(action));
    if (!now || now->size != action.size || now->mtime != action.mtime) {
      file->failed = true;
      file->changed = true;
      file->error = Error(ErrorCode::kIntegrity, "file changed while it was being uploaded");
    }
  }
  if (file->failed) {
    result.error = file->error;
    if (file->changed) {
      result.error.Context(action.relative_name);
      (void)client.AbortMultipartUpload(options_.vault, file->upload_id);
      (void)pending_.Remove(file->upload_id);
      result.error.message += "; upload aborted, it starts over on the next run";
    } else if (file->error.code != ErrorCode::kCancelled) {
      result.error.message += " (the upload stays pending; the next run resumes it)";
    }
    file->file.reset();
    return Report(action, result);
  }
  file->file.reset();
  const std::string tree_hash = hash::ToHex(hash::CombineTreeHashes(file->part_hashes));
  if (auto marked = pending_.SetFinalTreeHash(file->upload_id, tree_hash); !marked) {
    result.error = std::move(marked.error());
    return Report(action, result);
  }
  auto done = client.CompleteMultipartUpload(options_.vault, file->upload_id, action.size, tree_hash);
  if (!done) {
    result.error = std::move(done.error());
    return Report(action, result);
  }
  if (auto recorded = Record(client, action, done->archive_id, tree_hash, result); !recorded) {
    result.outcome = Outcome::kFailed;
    result.error = std::move(recorded.error());
    return Report(action, result);
  }
  if (auto removed = pending_.Remove(file->upload_id); !removed) {
    result.warning = "could not update " + pending_.path() + ": " + removed.error().message;
  }
  Report(action, result);
}

void UploadExecutor::UploadSmall(Worker& worker, const Action& action) {
  FileResult result;
  const std::string path = PathOf(action);
  // Files of a few MiB are read like parts; small ones are likely cached and not worth the
  // device round trip a direct read makes.
  auto file = fs_.OpenRead(path, action.size >= kDirectReadMin ? io::ReadHint::kDirect : io::ReadHint::kNormal);
  if (!file) {
    result.error = std::move(file.error());
    return Report(action, result);
  }
  std::span<uint8_t> buf = worker.Buffer(action.size, options_.part_size);
  HashGate gate(*hash_slots_);
  auto n = (*file)->ReadAt(0, buf);
  if (!n) {
    result.error = std::move(n.error());
    return Report(action, result);
  }
  auto after = fs_.Stat(path);
  if (*n != action.size || !after || after->size != action.size || after->mtime != action.mtime) {
    result.error = Error(ErrorCode::kIntegrity,
                         action.relative_name + ": file changed while it was being read; not uploaded, "
                         "the next run will");
    return Report(action, result);
  }
  auto description = meta::EncodeDescription(action.relative_name, action.mtime);
  if (!description) {
    result.error = std::move(description.error()).WithContext(action.relative_name);
    return Report(action, result);
  }
  hash::DualHash hashes = hash::Sha256AndTreeHash(buf);
  gate.Release();
  if (action.kind == ActionKind::kReplace && action.check_tree_hash &&
      hash::ToHex(hashes.tree) == action.old_tree_hash) {
    result.outcome = Outcome::kUnchanged;  // as in mt-aws-glacier, nothing is written
    return Report(action, result);
  }
  http::MemoryBody body(std::span<const uint8_t>(buf.data(), buf.size()));
  auto created = worker.client->UploadArchive(options_.vault, *description, body, hashes);
  if (!created) {
    result.error = std::move(created.error());
    return Report(action, result);
  }
  AddBytes(action.size, true);
  if (action.kind == ActionKind::kUpload) return RecordThenReport(action, created->archive_id, hash::ToHex(hashes.tree), result);
  if (auto recorded = Record(*worker.client, action, created->archive_id, hash::ToHex(hashes.tree), result); !recorded) {
    result.outcome = Outcome::kFailed;
    result.error = std::move(recorded.error());
  }
  Report(action, result);
}

// A new small file: nothing else waits on its record (no sidecar entry, no old archive to
// delete), so the worker moves on and the file is reported once the journal's flusher has made
// the record durable, together with the records of the files that finished around it.
void UploadExecutor::RecordThenReport(const Action& action, const std::string& archive_id, const std::string& tree_hash,
                                      FileResult result) {
  result.archive_id = archive_id;
  result.tree_hash = tree_hash;
  result.outcome = Outcome::kUploaded;
  journal::CreatedRecord record{.time = clock_.NowUnix(), .archive_id = archive_id, .size = action.size,
                                .mtime = action.mtime, .tree_hash = tree_hash, .relfilename = action.relative_name};
  auto failed = [archive_id, name = action.relative_name](Error e) {
    return std::move(e).WithContext("archive " + archive_id + " of " + name + " is stored but could not be recorded");
  };
  auto appended = journal_.AddCreatedThen(record, [this, action, result, failed](Result<void> durable) mutable {
    if (!durable) {
      result.outcome = Outcome::kFailed;
      result.error = failed(std::move(durable.error()));
    }
    Report(action, result);
  });
  if (!appended) {
    result.outcome = Outcome::kFailed;
    result.error = failed(std::move(appended.error()));
    Report(action, result);
  }
}

// Journals the new archive, then (for a replacement) deletes and journals the old one.
Result<void> UploadExecutor::Record(glacier::Client& client, const Action& action, const std::string& archive_id,
                                    const std::string& tree_hash, FileResult& result) {
  result.archive_id = archive_id;
  result.tree_hash = tree_hash;
  {
    journal::CreatedRecord record{.time = clock_.NowUnix(), .archive_id = archive_id,
                                  .size = action.size, .mtime = action.mtime, .tree_hash = tree_hash,
                                  .relfilename = action.relative_name};
    auto added = journal_.AddCreated(record);
    if (!added) {
      return Fail(std::move(added.error()).WithContext("archive " + archive_id + " of " + action.relative_name +
                                                       " is stored but could not be recorded"));
    }
  }
  result.outcome = Outcome::kUploaded;
  if (action.kind != ActionKind::kReplace) return Ok();
  // The old archive goes only now that the new one is recorded. If that fails the data is still
  // safe (both versions are in the journal, the new one is the latest); the user is told.
  result.outcome = Outcome::kReplaced;
  auto deleted = client.DeleteArchive(options_.vault, action.old_archive_id);
  if (!deleted && !IsNotFound(deleted.error())) {
    result.warning = "the old archive " + action.old_archive_id +
                     " could not be deleted (purge-vault or the next --replace-modified run can): " +
                     deleted.error().ToString();
    return Ok();
  }
  if (auto added = journal_.AddDeleted(clock_.NowUnix(), action.old_archive_id, action.relative_name);
      !added) {
    result.warning = "the old archive " + action.old_archive_id + " was deleted but could not be recorded: " +
                     added.error().ToString();
  }
  return Ok();
}

void UploadExecutor::Delete(Worker& worker, const Action& action) {
  FileResult result;
  auto deleted = worker.client->DeleteArchive(options_.vault, action.old_archive_id);
  // An archive the service no longer has is as good as deleted (an earlier run died before
  // recording it, or someone removed it): record it, so the journal matches the vault.
  if (!deleted && !IsNotFound(deleted.error())) {
    result.error = std::move(deleted.error());
    return Report(action, result);
  }
  auto added = journal_.AddDeleted(clock_.NowUnix(), action.old_archive_id, action.relative_name);
  if (!added) {
    result.error = std::move(added.error());
  } else {
    result.outcome = Outcome::kDeleted;
    result.archive_id = action.old_archive_id;
  }
  Report(action, result);
}

void UploadExecutor::SettleUntouchedPending(
    const std::function<bool(const journal::PendingUpload&)>& journal_has) {
  if (clients_.empty()) return;
  glacier::Client& client = *clients_.front();
  AbortOrphans(client);
  for (const journal::PendingUpload& e : pending_.entries()) {
    if (e.vault != options_.vault) continue;
    if (std::find(touched_upload_ids_.begin(), touched_upload_ids_.end(), e.upload_id) !=
        touched_upload_ids_.end()) {
      continue;
    }
    if (journal_has(e)) {
      (void)pending_.Remove(e.upload_id);
      continue;
    }
    auto now = fs_.Stat(io::JoinPath(options_.dir, e.relative_name));
    if (now && now->type == io::FileType::kRegular && now->size == e.size && now->mtime == e.mtime) {
      continue;  // still the same file, just not part of this run (filters, --max-number-of-files)
    }
    auto aborted = client.AbortMultipartUpload(options_.vault, e.upload_id);
    if (aborted || IsNotFound(aborted.error())) {
      (void)pending_.Remove(e.upload_id);
      Notice("Aborted the unfinished upload of " + e.relative_name + " (the file changed or is gone)");
    } else {
      Notice("WARNING: could not abort the unfinished upload of " + e.relative_name + ": " +
             aborted.error().ToString());
    }
  }
}

}  // namespace mtg::sync

namespace mtg::sync {

// When the answer to InitiateMultipartUpload is lost (connection reset after the service acted),
// the retry starts a second upload and the first is never used: the service keeps it, and real
// Glacier keeps such uploads until they are aborted. After the run, uploads of this vault with a
// description this run initiated that neither the sidecar nor this run knows are those orphans.
void UploadExecutor::AbortOrphans(glacier::Client& client) {
  if (initiated_descriptions_.empty()) return;
  std::vector<std::string> known = touched_upload_ids_;
  for (const journal::PendingUpload& e : pending_.entries()) known.push_back(e.upload_id);
  std::string marker;
  std::vector<glacier::UploadInfo> orphans;
  do {
    auto page = client.ListMultipartUploads(options_.vault, marker);
    if (!page) {
      Notice("WARNING: could not list the vault's multipart uploads to abort orphans: " + page.error().ToString());
      return;
    }
    for (const glacier::UploadInfo& u : page->uploads) {
      if (initiated_descriptions_.contains(u.description) &&
          std::find(known.begin(), known.end(), u.upload_id) == known.end()) {
        orphans.push_back(u);
      }
    }
    marker = page->marker;
  } while (!marker.empty());
  for (const glacier::UploadInfo& u : orphans) {
    auto aborted = client.AbortMultipartUpload(options_.vault, u.upload_id);
    if (!aborted && !IsNotFound(aborted.error())) {
      Notice("WARNING: could not abort the orphaned upload " + u.upload_id + ": " + aborted.error().ToString());
    }
  }
}

}  // namespace mtg::sync
