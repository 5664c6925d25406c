// The restore-completed executor: downloads the output of completed archive-retrieval jobs into
// the target tree, every byte checked. Archives are cut into ranged requests (download_state.h)
// that run on a pool of workers, one Glacier client each, across and within files. Each range
// is streamed to a temporary file next to the final one while its tree hash is computed, and is
// accepted only when that hash equals the service's x-amz-sha256-tree-hash and the byte count
// is exact; a bad range is fetched again (the client itself retries transient failures). The
// file's range hashes must combine into the journal's tree hash; then the file is fsynced, gets
// the recorded mtime and is renamed into place. A corrupted or short download is therefore never
// at the final path, and an interrupted one resumes from the verified ranges.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "glacier/client.h"
#include "io/file_system.h"

namespace mtg::sync {

struct DownloadItem {
  std::string archive_id{};
  std::string job_id{};
  std::string relfilename{};
  uint64_t size = 0;
  std::string tree_hash{};  // the journal's, 64 lowercase hex
  int64_t mtime = 0;        // what the restored file gets
};

struct DownloadOptions {
  uint64_t segment_size = 0;  // bytes, a power-of-two number of MiB; 0: one request per archive
  int max_fetches = 3;        // fetches of one range whose bytes fail verification, then give up
};

struct DownloadEvents {
  // A finished step, as mt-aws-glacier printed it ("Downloaded archive PATH", ...). Called from
  // worker threads, one call at a time.
  std::function<void(const std::string& line)> line;
  // A file that could not be restored (and why); the others go on. One call at a time.
  std::function<void(const DownloadItem& item, const Error& error)> failed;
  // Bytes of a range verified just now (for progress). One call at a time.
  std::function<void(uint64_t bytes)> bytes;
  // A file restored at its final path. One call at a time.
  std::function<void()> file_done;
};

struct DownloadTotals {
  uint64_t files_done = 0;
  uint64_t files_failed = 0;
  uint64_t bytes_fetched = 0;     // bytes of verified ranges fetched in this run
  uint64_t ranges_fetched = 0;    // verified ranges fetched in this run
  uint64_t ranges_resumed = 0;    // ranges found verified on disk and not fetched again
  uint64_t refetches = 0;         // ranges fetched again after failing verification
};

class Downloader {
 public:
  // One worker per client; each client is used by one worker at a time. `dir` is --dir.
  Downloader(io::FileSystem& fs, std::string dir, std::string vault,
             std::vector<glacier::Client*> clients, DownloadOptions options, DownloadEvents events);
  ~Downloader();
  Downloader(const Downloader&) = delete;
  Downloader& operator=(const Downloader&) = delete;

  // Prepares the file (path checks, temporary file, resume) and queues its ranges; blocks while
  // the queue is full, so memory does not grow with the number of files.
  void Add(DownloadItem item);
  // Waits for everything queued so far.
  DownloadTotals Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mtg::sync
