// SHA-256 and HMAC-SHA256 over OpenSSL EVP (which uses SHA-NI where the CPU has it).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mtg::hash {

using Digest = std::array<uint8_t, 32>;

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Lowercase hex of a digest (64 characters).
std::string ToHex(const Digest& digest);
// Parses 64 hex digits (either case); false on anything else.
bool FromHex(std::string_view hex, Digest* out);

// Incremental SHA-256. Not thread-safe; one per thread. A moved-from hasher may only be
// destroyed or assigned to.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;

  void Update(std::span<const uint8_t> data);
  void Update(std::string_view data) { Update(AsBytes(data)); }
  // Returns the digest and resets the hasher for reuse.
  Digest Final();

 private:
  void* ctx_;  // EVP_MD_CTX*
};

Digest Sha256Of(std::span<const uint8_t> data);
inline Digest Sha256Of(std::string_view data) { return Sha256Of(AsBytes(data)); }
std::string Sha256Hex(std::string_view data);

Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data);
inline Digest HmacSha256(std::span<const uint8_t> key, std::string_view data) {
  return HmacSha256(key, AsBytes(data));
}

}  // namespace mtg::hash
