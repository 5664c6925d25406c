#include "ids.h"

namespace mtg::server {

namespace {
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}

IdGenerator::IdGenerator(uint64_t seed) {
  if (seed == 0) {
    std::random_device device;
    seed = (static_cast<uint64_t>(device()) << 32) ^ device();
  }
  rng_.seed(seed);
}

std::string IdGenerator::Random(size_t n) {
  std::string out(n, '\0');
  std::lock_guard lock(mu_);
  uint64_t bits = 0;
  int left = 0;
  for (size_t i = 0; i < n; ++i) {
    if (left < 6) {
      bits = rng_();
      left = 64;
    }
    out[i] = kAlphabet[bits & 63];
    bits >>= 6;
    left -= 6;
  }
  return out;
}

bool IsWellFormedId(std::string_view text, size_t max_length) {
  if (text.empty() || text.size() > max_length) return false;
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace mtg::server
