#include "journal/journal_writer.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "base/hex.h"
#include "base/log.h"
#include "journal/line_parser.h"
#include "journal/quote.h"
#include "journal/relative_name.h"

namespace mtg::journal {
namespace {

Result<void> CheckCommon(int64_t time, std::string_view archive_id) {
  if (time < 0) return Fail(ErrorCode::kInvalidArgument, "journal record time is negative: " + std::to_string(time));
  if (!IsNonSpaceField(archive_id)) {
    return Fail(ErrorCode::kInvalidArgument, "archive id " + QuoteBytes(archive_id) + " is empty or has whitespace");
  }
  return Ok();
}

Result<void> CheckName(std::string_view name) {
  if (const char* why = RelativeFilenameProblem(name)) {
    return Fail(ErrorCode::kInvalidArgument, "invalid file name " + QuoteBytes(name) + ": " + why);
  }
  return Ok();
}

}  // namespace

Result<std::string> FormatCreated(const CreatedRecord& r) {
  MTG_TRY_VOID(CheckCommon(r.time, r.archive_id));
  if (!IsLowerHex(r.tree_hash, 64)) {
    return Fail(ErrorCode::kInvalidArgument, "tree hash " + QuoteBytes(r.tree_hash) + " is not 64 lowercase hex digits");
  }
  MTG_TRY_VOID(CheckName(r.relfilename));
  std::string line = "B\t";
  line += std::to_string(r.time);
  line += "\tCREATED\t";
  line += r.archive_id;
  line += '\t';
  line += std::to_string(r.size);
  line += '\t';
  line += r.mtime ? std::to_string(*r.mtime) : std::string("NONE");
  line += '\t';
  line += r.tree_hash;
  line += '\t';
  line += r.relfilename;
  return line;
}

Result<std::string> FormatDeleted(int64_t time, std::string_view archive_id, std::string_view relfilename) {
  MTG_TRY_VOID(CheckCommon(time, archive_id));
  MTG_TRY_VOID(CheckName(relfilename));
  return "B\t" + std::to_string(time) + "\tDELETED\t" + std::string(archive_id) + "\t" + std::string(relfilename);
}

Result<std::string> FormatRetrieveJob(int64_t time, std::string_view archive_id, std::string_view job_id) {
  MTG_TRY_VOID(CheckCommon(time, archive_id));
  if (!IsNonSpaceField(job_id)) {
    return Fail(ErrorCode::kInvalidArgument, "job id " + QuoteBytes(job_id) + " is empty or has whitespace");
  }
  return "B\t" + std::to_string(time) + "\tRETRIEVE_JOB\t" + std::string(archive_id) + "\t" + std::string(job_id);
}

Result<std::unique_ptr<JournalWriter>> JournalWriter::Open(io::FileSystem& fs, std::string path) {
  std::string lock_path = path + ".lock";
  auto lock = fs.Lock(lock_path);
  if (!lock) {
    if (lock.error().code == ErrorCode::kLocked) {
      Error e(ErrorCode::kLocked, "journal " + path + " is in use by another mtglacier process (" +
                                      lock_path + " is locked)");
      e.sys_errno = lock.error().sys_errno;
      return Fail(std::move(e));
    }
    return Fail(std::move(lock.error()).WithContext("locking journal " + path));
  }
  return std::unique_ptr<JournalWriter>(new JournalWriter(fs, std::move(path), std::move(*lock)));
}

JournalWriter::JournalWriter(io::FileSystem& fs, std::string path, std::unique_ptr<io::FileLock> lock)
    : fs_(fs), path_(std::move(path)), lock_(std::move(lock)) {}

JournalWriter::~JournalWriter() { StopFlusher(); }

Result<void> JournalWriter::AddCreated(const CreatedRecord& record) { return AppendLine(FormatCreated(record)); }

Result<void> JournalWriter::AddCreatedThen(const CreatedRecord& record, std::function<void(Result<void>)> durable) {
  std::unique_lock lk(mu_);
  Result<uint64_t> seq = WriteChecked(FormatCreated(record));
  if (!seq) return Fail(std::move(seq.error()));
  ++records_written_;
  waiting_.push_back({*seq, std::move(durable)});
  if (!flusher_.joinable()) flusher_ = std::thread([this] { FlusherLoop(); });
  flusher_cv_.notify_all();
  return Ok();
}

// Waits for lines, lets more arrive for kFlushDelay (unless hurried), flushes them all with one
// fdatasync (or rides one a synchronous caller is making), then runs their callbacks.
void JournalWriter::FlusherLoop() {
  std::unique_lock lk(mu_);
  for (;;) {
    flusher_cv_.wait(lk, [&] { return stop_ || !waiting_.empty(); });
    if (waiting_.empty()) return;  // stopping, nothing left
    if (!hurry_ && !stop_) flusher_cv_.wait_for(lk, kFlushDelay, [&] { return hurry_ || stop_; });
    uint64_t target = appended_seq_;
    Result<void> durable = WaitDurable(lk, target);
    if (!durable) durable = Fail(std::move(durable.error()).WithContext("writing journal " + path_));
    std::vector<Waiting> ready;
    auto split = std::find_if(waiting_.begin(), waiting_.end(), [&](const Waiting& w) { return w.seq > target; });
    ready.assign(std::make_move_iterator(waiting_.begin()), std::make_move_iterator(split));
    waiting_.erase(waiting_.begin(), split);
    delivering_ = true;
    lk.unlock();
    for (Waiting& w : ready) w.durable(durable);
    lk.lock();
    delivering_ = false;
    if (waiting_.empty()) {
      hurry_ = false;
      drained_cv_.notify_all();
    }
  }
}

void JournalWriter::Drain() {
  std::unique_lock lk(mu_);
  if (waiting_.empty() && !delivering_) return;
  hurry_ = true;
  flusher_cv_.notify_all();
  drained_cv_.wait(lk, [&] { return waiting_.empty() && !delivering_; });
}

void JournalWriter::StopFlusher() {
  Drain();
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  flusher_cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
}

Result<void> JournalWriter::AddDeleted(int64_t time, std::string_view archive_id, std::string_view relfilename) {
  return AppendLine(FormatDeleted(time, archive_id, relfilename));
}

Result<void> JournalWriter::AddRetrieveJob(int64_t time, std::string_view archive_id, std::string_view job_id) {
  return AppendLine(FormatRetrieveJob(time, archive_id, job_id));
}

// A crash in the middle of an append leaves a line without its "\n". Appending after it would
// glue the next record onto it and make a broken line in the middle of the journal, so the torn
// bytes are cut first (the reader ignores them anyway; they were never confirmed as written).
Result<void> JournalWriter::CutTornTail() {
  auto reader = fs_.OpenRead(path_);
  if (!reader) return Fail(std::move(reader.error()));
  auto size = (*reader)->Size();
  if (!size) return Fail(std::move(size.error()));
  uint64_t end = *size;
  std::vector<char> block(64 * 1024);
  uint64_t keep = 0;  // bytes up to and including the last "\n"
  bool found = false;
  for (uint64_t hi = end; hi > 0 && !found;) {
    uint64_t lo = hi > block.size() ? hi - block.size() : 0;
    auto n = (*reader)->ReadAt(lo, std::span<char>(block.data(), hi - lo));
    if (!n) return Fail(std::move(n.error()));
    for (size_t i = *n; i > 0; --i) {
      if (block[i - 1] == '\n') {
        keep = lo + i;
        found = true;
        break;
      }
    }
    if (hi == end && keep == end) return Ok();  // ends with "\n": nothing to cut
    hi = lo;
  }
  if (keep == end) return Ok();
  auto writable = fs_.OpenWrite(path_, io::WriteMode::kExisting);
  if (!writable) return Fail(std::move(writable.error()));
  MTG_TRY_VOID((*writable)->Truncate(keep));
  MTG_TRY_VOID((*writable)->Sync());
  MTG_TRY_VOID((*writable)->Close());
  repaired_tail_bytes_ += end - keep;
  LogWarning("journal " + path_ + ": removed an incomplete last line (" + std::to_string(end - keep) +
             " bytes) left by an interrupted write");
  return Ok();
}

Result<void> JournalWriter::AppendLine(Result<std::string> line) {
  std::unique_lock lk(mu_);
  Result<uint64_t> seq = WriteChecked(std::move(line));
  if (!seq) return Fail(std::move(seq.error()));
  if (auto r = WaitDurable(lk, *seq); !r) return Fail(std::move(r.error()).WithContext("writing journal " + path_));
  ++records_written_;
  return Ok();
}

// The checks every append makes (a valid record, an open writer, no failed flush before), then
// the write; returns the line's number. mu_ held.
Result<uint64_t> JournalWriter::WriteChecked(Result<std::string> line) {
  if (!line) return Fail(std::move(line.error()).WithContext("journal " + path_));
  if (!lock_) return Fail(ErrorCode::kInternal, "journal " + path_ + ": writer already closed");
  if (sync_error_) return Fail(Error(*sync_error_).WithContext("writing journal " + path_));
  if (auto r = WriteLine(*line); !r) return Fail(std::move(r.error()).WithContext("writing journal " + path_));
  return ++appended_seq_;
}

Result<void> JournalWriter::WriteLine(std::string& line) {
  if (!file_) {
    auto opened = fs_.OpenAppend(path_);
    if (!opened) return Fail(std::move(opened.error()));
    file_ = std::move(*opened);
  }
  if (check_tail_) {
    MTG_TRY_VOID(CutTornTail());
    check_tail_ = false;
  }
  line.push_back('\n');
  if (auto appended = file_->Append(line); !appended) {
    check_tail_ = true;  // part of the line may be on disk
    return appended;
  }
  return Ok();
}

// Returns once line `seq` is durable. The first waiter with no flush in flight becomes the
// flusher for everything appended so far; the others sleep until a flush covering them ends.
Result<void> JournalWriter::WaitDurable(std::unique_lock<std::mutex>& lk, uint64_t seq) {
  while (durable_seq_ < seq) {
    if (sync_error_) return Fail(Error(*sync_error_));
    if (syncing_) {
      synced_cv_.wait(lk);
      continue;
    }
    syncing_ = true;
    uint64_t target = appended_seq_;
    io::AppendableFile* file = file_.get();
    lk.unlock();
    Result<void> synced = file->Sync();
    lk.lock();
    syncing_ = false;
    ++syncs_;
    if (synced) {
      durable_seq_ = target;
    } else {
      sync_error_ = std::move(synced.error());
    }
    synced_cv_.notify_all();
  }
  return Ok();
}

uint64_t JournalWriter::records_written() const {
  std::lock_guard lk(mu_);
  return records_written_;
}

uint64_t JournalWriter::repaired_tail_bytes() const {
  std::lock_guard lk(mu_);
  return repaired_tail_bytes_;
}

uint64_t JournalWriter::syncs() const {
  std::lock_guard lk(mu_);
  return syncs_;
}

Result<void> JournalWriter::Close() {
  StopFlusher();  // every deferred line flushed and reported first
  std::unique_lock lk(mu_);
  synced_cv_.wait(lk, [&] { return !syncing_; });  // a flusher is using file_
  Result<void> result = Ok();
  if (file_) {
    result = file_->Close();
    file_.reset();
  }
  lock_.reset();
  if (!result) return Fail(std::move(result.error()).WithContext("closing journal " + path_));
  return result;
}

}  // namespace mtg::journal
