#include "sync/stream_upload.h"

#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "hash/sha256.h"
#include "hash/tree_hash.h"
#include "http/transport.h"

namespace mtg::sync {

StreamReader FdReader(int fd) {
  return [fd](std::span<uint8_t> out) -> Result<size_t> {
    size_t got = 0;
    while (got < out.size()) {
      ssize_t n = ::read(fd, out.data() + got, out.size() - got);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Fail(SysError("reading standard input", errno));
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    return got;
  };
}

namespace {

struct Part {
  uint64_t index = 0;
  size_t buffer = 0;
  size_t length = 0;
};

// The shared state of one stream upload: free buffers, parts waiting to be sent, the first error.
struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::vector<uint8_t>> buffers;
  std::vector<size_t> free_buffers;
  std::deque<Part> queue;
  bool reading_done = false;
  std::optional<Error> error;
  std::vector<hash::Digest> part_hashes;
};

}  // namespace

Result<StreamUploadResult> UploadStream(const StreamReader& read, const std::vector<glacier::Client*>& clients,
                                        const StreamUploadOptions& options,
                                        const std::function<void(uint64_t)>& on_bytes,
                                        const std::atomic<bool>* cancel) {
  Shared s;
  const size_t workers = clients.empty() ? 1 : clients.size();
  s.buffers.resize(workers);
  s.buffers[0].resize(options.part_size);
  // The first part is read before anything is sent: an empty stream must not start an upload.
  auto first = read(s.buffers[0]);
  if (!first) return Fail(std::move(first.error()));
  if (*first == 0) {
    return Fail(ErrorCode::kInvalidArgument, "Empty input from STDIN - cannot upload empty archive");
  }
  glacier::Client& control = *clients.front();
  auto upload = control.InitiateMultipartUpload(options.vault, options.description, options.part_size);
  if (!upload) return Fail(std::move(upload.error()));
  const std::string upload_id = *upload;

  auto worker = [&](glacier::Client* client) {
    for (;;) {
      Part part;
      {
        std::unique_lock lock(s.mu);
        s.cv.wait(lock, [&] { return !s.queue.empty() || s.reading_done || s.error; });
        if (s.error || s.queue.empty()) return;
        part = s.queue.front();
        s.queue.pop_front();
      }
      std::span<const uint8_t> data(s.buffers[part.buffer].data(), part.length);
      hash::DualHash hashes = hash::Sha256AndTreeHash(data);
      http::MemoryBody body(data);
      auto sent = client->UploadPart(options.vault, upload_id, part.index * options.part_size, body, hashes);
      std::lock_guard lock(s.mu);
      if (!sent) {
        if (!s.error) s.error = std::move(sent.error());
      } else {
        if (s.part_hashes.size() <= part.index) s.part_hashes.resize(part.index + 1);
        s.part_hashes[part.index] = hashes.tree;
        if (on_bytes) on_bytes(part.length);
      }
      s.free_buffers.push_back(part.buffer);
      s.cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers; ++i) threads.emplace_back(worker, clients[i]);

  uint64_t total = 0;
  uint64_t index = 0;
  size_t length = *first;
  size_t buffer = 0;
  for (size_t i = 1; i < workers; ++i) s.free_buffers.push_back(i);
  for (;;) {
    total += length;
    if (options.max_size != 0 && total > options.max_size) {
      std::lock_guard lock(s.mu);
      if (!s.error) {
        s.error = Error(ErrorCode::kInvalidArgument,
                        "standard input is larger than --check-max-file-size (" +
                            std::to_string(options.max_size >> 20) + " MiB); upload aborted");
      }
      s.cv.notify_all();
      break;
    }
    {
      std::lock_guard lock(s.mu);
      s.queue.push_back(Part{index++, buffer, length});
      s.cv.notify_all();
    }
    if (length < options.part_size) break;  // a short read is the end of the stream
    {
      std::unique_lock lock(s.mu);
      s.cv.wait(lock, [&] { return !s.free_buffers.empty() || s.error; });
      if (s.error) break;
      buffer = s.free_buffers.back();
      s.free_buffers.pop_back();
    }
    if (cancel != nullptr && cancel->load()) {
      std::lock_guard lock(s.mu);
      if (!s.error) s.error = Error(ErrorCode::kCancelled, "interrupted; upload aborted");
      s.cv.notify_all();
      break;
    }
    std::vector<uint8_t>& buf = s.buffers[buffer];
    if (buf.size() < options.part_size) buf.resize(options.part_size);
    auto n = read(buf);
    if (!n) {
      std::lock_guard lock(s.mu);
      if (!s.error) s.error = std::move(n.error());
      s.cv.notify_all();
      break;
    }
    if (*n == 0) break;
    length = *n;
  }
  {
    std::lock_guard lock(s.mu);
    s.reading_done = true;
    s.cv.notify_all();
  }
  for (std::thread& t : threads) t.join();
  if (s.error) {
    (void)control.AbortMultipartUpload(options.vault, upload_id);
    return Fail(std::move(*s.error));
  }
  const std::string tree_hash = hash::ToHex(hash::CombineTreeHashes(s.part_hashes));
  auto done = control.CompleteMultipartUpload(options.vault, upload_id, total, tree_hash);
  if (!done) {
    (void)control.AbortMultipartUpload(options.vault, upload_id);
    return Fail(std::move(done.error()));
  }
  return StreamUploadResult{.archive_id = done->archive_id, .tree_hash = tree_hash, .size = total};
}

}  // namespace mtg::sync
