#include "hash/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>
#include <utility>

namespace mtg::hash {
namespace {

// Fetched once: an implicit EVP_sha256() lookup on every init costs a provider search.
const EVP_MD* Md() {
  static EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (m == nullptr) std::abort();  // no default provider: nothing in this program can work
    return m;
  }();
  return md;
}

EVP_MD_CTX* Ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }

void InitOrDie(EVP_MD_CTX* ctx) {
  if (EVP_DigestInit_ex2(ctx, Md(), nullptr) != 1) std::abort();
}

// Each thread keeps one hasher for the one-shot helpers, so a call does not create and free an
// EVP_MD_CTX.
Sha256& ThreadHasher() {
  thread_local Sha256 hasher;
  return hasher;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ToHex(const Digest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '\0');
  for (size_t i = 0; i < digest.size(); ++i) {
    out[2 * i] = kDigits[digest[i] >> 4];
    out[2 * i + 1] = kDigits[digest[i] & 0xf];
  }
  return out;
}

bool FromHex(std::string_view hex, Digest* out) {
  if (hex.size() != 64) return false;
  Digest d{};
  for (size_t i = 0; i < d.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    d[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  *out = d;
  return true;
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  // Allocation failure here is out-of-memory; there is no useful way to continue.
  if (ctx_ == nullptr) std::abort();
  InitOrDie(Ctx(ctx_));
}

Sha256::~Sha256() { EVP_MD_CTX_free(Ctx(ctx_)); }

Sha256::Sha256(Sha256&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(Ctx(ctx_));
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

void Sha256::Update(std::span<const uint8_t> data) {
  if (data.empty()) return;
  if (EVP_DigestUpdate(Ctx(ctx_), data.data(), data.size()) != 1) std::abort();
}

Digest Sha256::Final() {
  Digest out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(Ctx(ctx_), out.data(), &len) != 1 || len != out.size()) std::abort();
  // Ready for reuse. OpenSSL 3.0 allocates a fresh 112-byte provider state here (measured:
  // one malloc per digest; neither EVP_MD_CTX_FLAG_REUSE nor copying a pristine context avoids
  // it). That is noise next to hashing a 1 MiB leaf; the EVP_MD_CTX itself is kept.
  InitOrDie(Ctx(ctx_));
  return out;
}

Digest Sha256Of(std::span<const uint8_t> data) {
  Sha256& h = ThreadHasher();
  h.Update(data);
  return h.Final();
}

std::string Sha256Hex(std::string_view data) { return ToHex(Sha256Of(data)); }

// HMAC (RFC 2104) built on the reusable hasher rather than OpenSSL's HMAC(), which builds and
// frees a MAC context per call; SigV4 signs every request with a chain of five of these.
Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  constexpr size_t kBlock = 64;
  uint8_t block[kBlock] = {};
  if (key.size() > kBlock) {
    Digest k = Sha256Of(key);
    std::memcpy(block, k.data(), k.size());
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  uint8_t pad[kBlock];
  Sha256& h = ThreadHasher();
  for (size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x36;
  h.Update(std::span<const uint8_t>(pad, kBlock));
  h.Update(data);
  Digest inner = h.Final();
  for (size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x5c;
  h.Update(std::span<const uint8_t>(pad, kBlock));
  h.Update(std::span<const uint8_t>(inner.data(), inner.size()));
  Digest out = h.Final();
  // The key material should not linger on the stack.
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(pad, sizeof pad);
  return out;
}

}  // namespace mtg::hash
