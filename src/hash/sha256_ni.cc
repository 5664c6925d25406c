#include "hash/sha256_ni.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#define MTG_SHA_NI_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace mtg::hash::ni {

constexpr uint32_t kInit[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

void State::Reset() { std::memcpy(h, kInit, sizeof h); }

#ifdef MTG_SHA_NI_X86

namespace {

alignas(16) constexpr uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define MTG_SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

// The SHA instructions keep the state as two vectors: (A,B,E,F) and (C,D,G,H), high lane first.
struct Regs {
  __m128i abef, cdgh;
};

MTG_SHA_TARGET inline Regs Load(const State& s) {
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&s.h[0]));  // lane0 = a
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&s.h[4]));  // lane0 = e
  __m128i badc = _mm_shuffle_epi32(dcba, 0xB1);                                // b a d c (lane0..3)
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);                                // h g f e
  Regs r;
  r.abef = _mm_alignr_epi8(badc, efgh, 8);     // lanes f e b a
  r.cdgh = _mm_blend_epi16(efgh, badc, 0xF0);  // lanes h g d c
  return r;
}

MTG_SHA_TARGET inline void Store(const Regs& r, State& s) {
  __m128i feba = _mm_shuffle_epi32(r.abef, 0x1B);  // lanes a b e f
  __m128i dchg = _mm_shuffle_epi32(r.cdgh, 0xB1);  // lanes g h c d
  __m128i dcba = _mm_blend_epi16(feba, dchg, 0xF0);
  __m128i hgfe = _mm_alignr_epi8(dchg, feba, 8);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&s.h[0]), dcba);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&s.h[4]), hgfe);
}

// Four rounds on one state with message words + constants already added.
MTG_SHA_TARGET inline void Rounds4(Regs& r, __m128i wk) {
  r.cdgh = _mm_sha256rnds2_epu32(r.cdgh, r.abef, wk);
  r.abef = _mm_sha256rnds2_epu32(r.abef, r.cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

// The compression loop for one or two states; the schedule is computed once per block.
template <int kStates>
MTG_SHA_TARGET inline void Compress(State* states, const uint8_t* data, size_t blocks) {
  const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  Regs r[kStates];
  for (int i = 0; i < kStates; ++i) r[i] = Load(states[i]);
  for (; blocks > 0; --blocks, data += 64) {
    Regs saved[kStates];
    for (int i = 0; i < kStates; ++i) saved[i] = r[i];
    __m128i w[4];
    for (int j = 0; j < 4; ++j) {
      w[j] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * j)), byteswap);
    }
    // Unrolled so the rotating schedule registers stay registers, not a stack array.
#pragma GCC unroll 16
    for (int g = 0; g < 16; ++g) {
      __m128i& m = w[g & 3];
      if (g >= 4) {
        // W[t..t+3] from W[t-16..t-13] (m), W[t-15..] (next), W[t-7..t-4] and W[t-4..t-1].
        __m128i t = _mm_sha256msg1_epu32(m, w[(g + 1) & 3]);
        t = _mm_add_epi32(t, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
        m = _mm_sha256msg2_epu32(t, w[(g + 3) & 3]);
      }
      __m128i wk = _mm_add_epi32(m, _mm_load_si128(reinterpret_cast<const __m128i*>(&kK[4 * g])));
      for (int i = 0; i < kStates; ++i) Rounds4(r[i], wk);
    }
    for (int i = 0; i < kStates; ++i) {
      r[i].abef = _mm_add_epi32(r[i].abef, saved[i].abef);
      r[i].cdgh = _mm_add_epi32(r[i].cdgh, saved[i].cdgh);
    }
  }
  for (int i = 0; i < kStates; ++i) Store(r[i], states[i]);
}

}  // namespace

bool Available() {
  static const bool available = [] {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    bool ssse3 = c & bit_SSSE3, sse41 = c & bit_SSE4_1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return ssse3 && sse41 && (b & bit_SHA) != 0;
  }();
  return available;
}

MTG_SHA_TARGET void Compress2(State& a, State& b, const uint8_t* data, size_t blocks) {
  State both[2] = {a, b};
  Compress<2>(both, data, blocks);
  a = both[0];
  b = both[1];
}

MTG_SHA_TARGET void Compress1(State& s, const uint8_t* data, size_t blocks) { Compress<1>(&s, data, blocks); }

#else  // other architectures: Available() is false and DualHasher keeps to OpenSSL

bool Available() { return false; }
void Compress2(State&, State&, const uint8_t*, size_t) { std::abort(); }
void Compress1(State&, const uint8_t*, size_t) { std::abort(); }

#endif

Digest Finish(State s, uint64_t total_bytes, const uint8_t* tail, size_t tail_size) {
  uint8_t pad[128] = {};
  std::memcpy(pad, tail, tail_size);
  pad[tail_size] = 0x80;
  size_t blocks = tail_size < 56 ? 1 : 2;
  uint64_t bits = total_bytes * 8;
  for (int i = 0; i < 8; ++i) pad[blocks * 64 - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  Compress1(s, pad, blocks);
  Digest out;
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<uint8_t>(s.h[i] >> 24);
    out[4 * i + 1] = static_cast<uint8_t>(s.h[i] >> 16);
    out[4 * i + 2] = static_cast<uint8_t>(s.h[i] >> 8);
    out[4 * i + 3] = static_cast<uint8_t>(s.h[i]);
  }
  return out;
}

}  // namespace mtg::hash::ni
