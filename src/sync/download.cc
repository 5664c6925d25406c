#include "sync/download.h"

#include <condition_variable>
#include <mutex>
#include <optional>

#include "base/thread_pool.h"
#include "hash/tree_hash.h"
#include "sync/download_state.h"
#include "sync/target_path.h"

namespace mtg::sync {
namespace {

// Hands each running task a client of its own.
class ClientPool {
 public:
  explicit ClientPool(std::vector<glacier::Client*> clients) : free_(std::move(clients)) {}
  glacier::Client* Acquire() {
    std::unique_lock lock(mu_);
    available_.wait(lock, [&] { return !free_.empty(); });
    glacier::Client* c = free_.back();
    free_.pop_back();
    return c;
  }
  void Release(glacier::Client* c) {
    {
      std::lock_guard lock(mu_);
      free_.push_back(c);
    }
    available_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<glacier::Client*> free_;
};

// One file being restored; shared by its range tasks.
struct FileJob {
  DownloadItem item;
  std::string target, temp, sidecar;
  std::vector<glacier::ByteRange> ranges;
  std::unique_ptr<io::WritableFile> file;
  std::mutex mu;  // guards everything below
  ResumeState state;
  std::vector<std::optional<hash::Digest>> range_hashes;
  size_t remaining = 0;
  std::optional<Error> error;
};

Error IntegrityError(std::string message) { return Error(ErrorCode::kIntegrity, std::move(message)); }

// "bytes FIRST-LAST/TOTAL" must name exactly the range asked for.
bool ContentRangeMatches(std::string_view header, const glacier::ByteRange& r) {
  std::string want = "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/";
  return header.starts_with(want);
}

}  // namespace

class Downloader::Impl {
 public:
  Impl(io::FileSystem& fs, std::string dir, std::string vault, std::vector<glacier::Client*> clients,
       DownloadOptions options, DownloadEvents events)
      : fs_(fs), dir_(std::move(dir)), vault_(std::move(vault)), workers_(clients.size()),
        clients_(std::move(clients)), options_(options), events_(std::move(events)),
        pool_(workers_, workers_ * 2) {}

  void Add(DownloadItem item) {
    auto job = Prepare(std::move(item));
    if (!job) return;
    std::shared_ptr<FileJob> shared = std::move(*job);
    if (shared->remaining == 0) {
      Finalize(*shared);
      return;
    }
    for (size_t i = 0; i < shared->ranges.size(); ++i) {
      if (shared->range_hashes[i]) continue;
      pool_.Submit([this, shared, i] { RunRange(shared, i); });
    }
  }

  DownloadTotals Wait() {
    pool_.Wait();
    std::lock_guard lock(mu_);
    return totals_;
  }

 private:
  void Report(const DownloadItem& item, const Error& error) {
    std::lock_guard lock(mu_);
    ++totals_.files_failed;
    if (events_.failed) events_.failed(item, error);
  }
  void Line(const std::string& line) {
    std::lock_guard lock(mu_);
    if (events_.line) events_.line(line);
  }

  // Path checks, parent directories, the temporary file, and what a previous run left verified.
  std::optional<std::shared_ptr<FileJob>> Prepare(DownloadItem item) {
    auto job = std::make_shared<FileJob>();
    job->item = std::move(item);
    const DownloadItem& it = job->item;
    auto fail = [&](const Error& e) -> std::optional<std::shared_ptr<FileJob>> {
      Report(it, e);
      return std::nullopt;
    };
    auto target = SafeTargetPath(fs_, dir_, it.relfilename);
    if (!target) return fail(target.error());
    if (auto made = MakeSafeParentDirs(fs_, dir_, it.relfilename); !made) return fail(made.error());
    // Re-checked after the directories exist: nothing on the way may have become a symlink.
    target = SafeTargetPath(fs_, dir_, it.relfilename);
    if (!target) return fail(target.error());
    job->target = *target;
    const std::string parent = io::DirName(job->target);
    job->temp = io::JoinPath(parent, TempNameFor(it.archive_id, it.relfilename));
    job->sidecar = io::JoinPath(parent, SidecarNameFor(it.archive_id, it.relfilename));
    job->ranges = PlanSegments(it.size, options_.segment_size);
    job->range_hashes.assign(job->ranges.size(), std::nullopt);
    job->state = {.archive_id = it.archive_id, .size = it.size, .tree_hash = it.tree_hash,
                  .segment_size = options_.segment_size, .verified = {}};
    for (const std::string& p : {job->temp, job->sidecar}) {
      auto info = fs_.LStat(p);
      if (info && info->type != io::FileType::kRegular) {
        return fail(Error(ErrorCode::kInvalidArgument,
                          "refusing to restore \"" + it.relfilename + "\": \"" + p + "\" is a " +
                              std::string(io::FileTypeName(info->type))));
      }
    }
    auto file = fs_.OpenWrite(job->temp, io::WriteMode::kCreateOrOpen);
    if (!file) return fail(file.error().WithContext("restoring " + it.relfilename));
    job->file = std::move(*file);
    if (job->ranges.size() > 1) Resume(*job);
    if (job->state.verified.empty()) {
      // Nothing usable from before: start from an empty file of the right size.
      if (auto t = job->file->Truncate(0); !t) return fail(t.error());
    }
    if (auto t = job->file->Truncate(it.size); !t) return fail(t.error());
    job->remaining = 0;
    for (const auto& h : job->range_hashes) job->remaining += h ? 0 : 1;
    return job;
  }

  // Marks the ranges a previous run verified whose bytes on disk still hash to what it recorded.
  void Resume(FileJob& job) {
    auto text = fs_.ReadFile(job.sidecar, 1 << 24);
    if (!text) return;
    auto previous = ParseResumeState(*text, job.sidecar);
    if (!previous || !SameDownload(*previous, job.state)) return;
    std::vector<uint8_t> buffer(kMiB);
    for (const VerifiedSegment& seg : previous->verified) {
      for (size_t i = 0; i < job.ranges.size(); ++i) {
        const glacier::ByteRange& r = job.ranges[i];
        if (r.first != seg.first || r.last != seg.last || job.range_hashes[i]) continue;
        hash::TreeHasher hasher;
        bool read_ok = true;
        for (uint64_t off = r.first; off <= r.last && read_ok;) {
          size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), r.last + 1 - off));
          auto n = job.file->ReadAt(off, std::span<uint8_t>(buffer.data(), want));
          if (!n || *n != want) read_ok = false;
          if (read_ok) hasher.Update({buffer.data(), want});
          off += want;
        }
        hash::Digest digest = hasher.Final();
        if (read_ok && hash::ToHex(digest) == seg.tree_hash) {
          job.range_hashes[i] = digest;
          job.state.verified.push_back(seg);
          std::lock_guard lock(mu_);
          ++totals_.ranges_resumed;
        }
      }
    }
  }

  void RunRange(const std::shared_ptr<FileJob>& job, size_t index) {
    // Other ranges of a file whose range failed are still fetched: they are kept for resume.
    glacier::Client* client = clients_pool_.Acquire();
    auto digest = FetchRange(*client, *job, index);
    clients_pool_.Release(client);
    bool last = false;
    {
      std::lock_guard lock(job->mu);
      if (digest) {
        job->range_hashes[index] = *digest;
        if (job->ranges.size() > 1) RecordVerified(*job, index, *digest);
      } else if (!job->error) {
        job->error = digest.error();
      }
      last = --job->remaining == 0;
    }
    if (digest && job->ranges.size() > 1) {
      const glacier::ByteRange& r = job->ranges[index];
      Line("Downloaded part of archive " + job->target + " at offset " + std::to_string(r.first) +
           ", size " + std::to_string(r.size()));
    }
    if (!last) return;
    if (job->error) {
      FinishFailed(*job);
    } else {
      Finalize(*job);
    }
  }

  // Makes the range durable, then lists it in the sidecar (caller holds job.mu). A sidecar that
  // cannot be written only costs a re-fetch next time.
  void RecordVerified(FileJob& job, size_t index, const hash::Digest& digest) {
    const glacier::ByteRange& r = job.ranges[index];
    job.state.verified.push_back({r.first, r.last, hash::ToHex(digest)});
    if (!job.file->Sync()) return;
    (void)fs_.WriteFileAtomically(job.sidecar, FormatResumeState(job.state));
  }

  Result<hash::Digest> FetchRange(glacier::Client& client, FileJob& job, size_t index) {
    const glacier::ByteRange range = job.ranges[index];
    const bool whole = job.ranges.size() == 1;
    std::optional<Error> last_error;
    for (int fetch = 1; fetch <= options_.max_fetches; ++fetch) {
      if (fetch > 1) {
        std::lock_guard lock(mu_);
        ++totals_.refetches;
      }
      std::optional<hash::TreeHasher> hasher;
      uint64_t received = 0;
      std::function<http::BodySink()> make_sink = [&]() -> http::BodySink {
        hasher.emplace();
        received = 0;
        return [&](std::span<const uint8_t> data) -> Result<void> {
          if (received + data.size() > range.size()) {
            return Fail(IntegrityError("the service sent more than the " +
                                       std::to_string(range.size()) + " bytes asked for"));
          }
          MTG_TRY_VOID(job.file->WriteAt(range.first + received, data));
          hasher->Update(data);
          received += data.size();
          return Ok();
        };
      };
      auto info = client.GetJobOutput(vault_, job.item.job_id,
                                      whole ? std::nullopt : std::optional(range), make_sink);
      const std::string what = "archive " + job.item.archive_id + " bytes " +
                               std::to_string(range.first) + "-" + std::to_string(range.last);
      if (!info) {
        // The client already retried what is transient; an integrity failure is worth a re-fetch.
        if (info.error().code != ErrorCode::kIntegrity) return Fail(info.error().WithContext(what));
        last_error = info.error().WithContext(what);
        continue;
      }
      const std::string got = hash::ToHex(hasher ? hasher->Final() : hash::TreeHasher().Final());
      if (received != range.size()) {
        last_error = IntegrityError(what + ": got " + std::to_string(received) + " bytes");
      } else if (info->tree_hash.empty()) {
        last_error = IntegrityError(what + ": the service sent no x-amz-sha256-tree-hash");
      } else if (info->tree_hash != got) {
        last_error = IntegrityError(what + ": tree hash of the received bytes " + got +
                                    " differs from the service's " + info->tree_hash);
      } else if (!whole && !ContentRangeMatches(info->content_range, range)) {
        last_error = IntegrityError(what + ": unexpected Content-Range \"" + info->content_range + "\"");
      } else {
        hash::Digest digest;
        hash::FromHex(got, &digest);
        std::lock_guard lock(mu_);
        totals_.bytes_fetched += received;
        ++totals_.ranges_fetched;
        if (events_.bytes) events_.bytes(received);
        return digest;
      }
    }
    return Fail(last_error->WithContext("giving up after " + std::to_string(options_.max_fetches) +
                                        " fetches"));
  }

  // A failed file keeps its temporary file and sidecar (verified ranges are reused next run),
  // except a single-range one, which has nothing worth keeping.
  void FinishFailed(FileJob& job) {
    (void)job.file->Close();
    if (job.ranges.size() <= 1) (void)fs_.Remove(job.temp);
    Report(job.item, *job.error);
  }

  void Finalize(FileJob& job) {
    auto result = [&]() -> Result<void> {
      std::vector<hash::Digest> hashes;
      hashes.reserve(job.range_hashes.size());
      for (const auto& h : job.range_hashes) hashes.push_back(*h);
      const std::string whole = hash::ToHex(hash::CombineTreeHashes(hashes));
      std::string expected = job.item.tree_hash;  // old journals may hold upper-case hex
      for (char& c : expected) c = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
      if (whole != expected) {
        (void)job.file->Close();
        (void)fs_.Remove(job.temp);
        (void)fs_.Remove(job.sidecar);
        return Fail(IntegrityError("archive " + job.item.archive_id + ": tree hash of the downloaded file " +
                                   whole + " differs from the journal's " + job.item.tree_hash));
      }
      MTG_TRY_VOID(job.file->Sync());
      MTG_TRY_VOID(job.file->Close());
      MTG_TRY_VOID(fs_.SetMtime(job.temp, job.item.mtime));
      // The last check before the name appears: the path must still lead where it should.
      auto target = SafeTargetPath(fs_, dir_, job.item.relfilename);
      if (!target) return Fail(target.error());
      MTG_TRY_VOID(fs_.Rename(job.temp, job.target));
      MTG_TRY_VOID(fs_.SyncDir(io::DirName(job.target)));
      if (auto removed = fs_.Remove(job.sidecar); !removed && removed.error().code != ErrorCode::kNotFound) {
        return Fail(removed.error());
      }
      return Ok();
    }();
    if (!result) {
      Report(job.item, result.error());
      return;
    }
    Line("Downloaded archive " + job.target);
    std::lock_guard lock(mu_);
    ++totals_.files_done;
    if (events_.file_done) events_.file_done();
  }

  io::FileSystem& fs_;
  const std::string dir_;
  const std::string vault_;
  const size_t workers_;
  std::vector<glacier::Client*> clients_;
  ClientPool clients_pool_{clients_};
  const DownloadOptions options_;
  DownloadEvents events_;
  std::mutex mu_;  // totals_ and the event callbacks
  DownloadTotals totals_;
  ThreadPool pool_;  // last: destroyed (joined) first
};

Downloader::Downloader(io::FileSystem& fs, std::string dir, std::string vault,
                       std::vector<glacier::Client*> clients, DownloadOptions options,
                       DownloadEvents events)
    : impl_(std::make_unique<Impl>(fs, std::move(dir), std::move(vault), std::move(clients), options,
                                   std::move(events))) {}
Downloader::~Downloader() = default;
void Downloader::Add(DownloadItem item) { impl_->Add(std::move(item)); }
DownloadTotals Downloader::Wait() { return impl_->Wait(); }

}  // namespace mtg::sync
