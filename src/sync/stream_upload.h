// upload-file --stdin: a multipart upload of a stream whose size is unknown until its end. One
// thread reads the stream part by part into a pool of buffers (one per worker, so memory is
// workers x part size); the workers hash each part (SHA-256 and tree hash in one pass) and send
// it. A stream cannot be read twice, so an interrupted upload is aborted rather than resumed.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "glacier/client.h"

namespace mtg::sync {

struct StreamUploadOptions {
  std::string vault{};
  std::string description{};
  uint64_t part_size = 16 << 20;
  uint64_t max_size = 0;  // --check-max-file-size in bytes: a longer stream is refused
};

struct StreamUploadResult {
  std::string archive_id{};
  std::string tree_hash{};
  uint64_t size = 0;
};

// Reads up to out.size() bytes (fewer only at the end); 0 at the end of the stream.
using StreamReader = std::function<Result<size_t>(std::span<uint8_t> out)>;
StreamReader FdReader(int fd);

// Errors: kInvalidArgument "Empty input from STDIN - cannot upload empty archive" (before any
// request), or "larger than --check-max-file-size" (the upload is aborted), or the first failure.
[[nodiscard]] Result<StreamUploadResult> UploadStream(const StreamReader& read,
                                                      const std::vector<glacier::Client*>& clients,
                                                      const StreamUploadOptions& options,
                                                      const std::function<void(uint64_t)>& on_bytes,
                                                      const std::atomic<bool>* cancel);

}  // namespace mtg::sync
