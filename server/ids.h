// Identifiers the server hands out: archive ids (138 characters of [A-Za-z0-9_-], like the
// service's), multipart upload and job ids (92), request ids. Drawn from a seedable generator
// so a test can pin them; the default seed comes from the OS.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

namespace mtg::server {

inline constexpr size_t kArchiveIdLength = 138;
inline constexpr size_t kUploadIdLength = 92;
inline constexpr size_t kJobIdLength = 92;
inline constexpr size_t kRequestIdLength = 52;

class IdGenerator {
 public:
  // seed 0: a random seed from std::random_device.
  explicit IdGenerator(uint64_t seed = 0);

  std::string ArchiveId() { return Random(kArchiveIdLength); }
  std::string UploadId() { return Random(kUploadIdLength); }
  std::string JobId() { return Random(kJobIdLength); }
  std::string RequestId() { return Random(kRequestIdLength); }
  // n characters of the URL-safe alphabet. Thread-safe.
  std::string Random(size_t n);

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
};

// True when text is non-empty, at most max_length long and only [A-Za-z0-9_-]: the shape of
// every id this server issues (checked before an id from a URL touches the file system).
bool IsWellFormedId(std::string_view text, size_t max_length = 256);

}  // namespace mtg::server
