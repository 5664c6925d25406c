#include "journal/fast_line.h"

#include <cstring>

#include "journal/relative_name.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mtg::journal::internal {
namespace {

constexpr size_t kNoPos = ~size_t{0};

struct Tables {
  uint8_t id_code[256];  // 6-bit code of [A-Za-z0-9-_] (PackId's alphabet order), 0xFF otherwise
  int8_t hex[256];       // 0..15 for [0-9a-f], -1 otherwise
  constexpr Tables() : id_code(), hex() {
    for (auto& c : id_code) c = 0xFF;
    for (auto& h : hex) h = -1;
    const char* all = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 64; ++i) id_code[static_cast<unsigned char>(all[i])] = static_cast<uint8_t>(i);
    for (int c = '0'; c <= '9'; ++c) hex[c] = static_cast<int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) hex[c] = static_cast<int8_t>(c - 'a' + 10);
  }
};
constexpr Tables kTables;

// The value of the k (1..8) decimal digits in the low bytes of w (first digit lowest), which
// are already '0'-stripped: pairs, then quads, then the eight, multiplied out in parallel.
inline uint64_t EightDigitsValue(uint64_t w, unsigned k) {
  w <<= 8 * (8 - k);  // leading zero digits for a shorter number
  w = (w * 10 + (w >> 8)) & 0x00FF00FF00FF00FFull;
  w = (w * 100 + (w >> 16)) & 0x0000FFFF0000FFFFull;
  return (w * 10000 + (w >> 32)) & 0xFFFFFFFFull;
}

constexpr uint64_t kPow10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

// [0-9]{1,18} then '\t' at s[pos]; on success pos is just past the tab. 18 digits always fit in
// int64, so the range checks of ParseLine cannot fire; longer numbers take the general path.
// Eight bytes at a time while they are there to read (numbers are followed by more fields).
inline bool DigitsThenTab(const char* s, size_t n, size_t& pos, uint64_t& value) {
  size_t i = pos;
  uint64_t v = 0;
  while (n - i >= 8) {
    uint64_t w;
    std::memcpy(&w, s + i, 8);
    w ^= 0x3030303030303030ull;  // digits become 0..9; anything else becomes >= 10
    // Bit 7 of a byte is set when it is >= 10 (a carry out of a byte >= 0x80 only reaches
    // later bytes, which do not matter past the first non-digit).
    uint64_t bad = ((w + 0x7676767676767676ull) | w) & 0x8080808080808080ull;
    unsigned k = bad == 0 ? 8 : static_cast<unsigned>(__builtin_ctzll(bad)) / 8;
    if (i - pos + k > 18) return false;
    if (k > 0) v = v * kPow10[k] + EightDigitsValue(w, k);
    i += k;
    if (k < 8) {
      if (i == pos || s[i] != '\t') return false;
      value = v;
      pos = i + 1;
      return true;
    }
  }
  while (i < n && i - pos < 18) {
    unsigned d = static_cast<unsigned>(static_cast<unsigned char>(s[i])) - '0';
    if (d > 9) break;
    v = v * 10 + d;
    ++i;
  }
  if (i == pos || i >= n || s[i] != '\t') return false;
  value = v;
  pos = i + 1;
  return true;
}

#if defined(__SSE2__)
inline __m128i InRange(__m128i c, char lo, char hi) {
  // Signed byte compares: bytes >= 0x80 are negative and so outside every ASCII range.
  return _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8(static_cast<char>(lo - 1))),
                       _mm_cmplt_epi8(c, _mm_set1_epi8(static_cast<char>(hi + 1))));
}

// 16 id characters → 12 packed bytes at out (writes 14). False when any is outside the alphabet.
inline bool PackBlock16(const char* in, char* out) {
  __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  __m128i upper = InRange(c, 'A', 'Z');
  __m128i lower = InRange(c, 'a', 'z');
  __m128i digit = InRange(c, '0', '9');
  __m128i dash = _mm_cmpeq_epi8(c, _mm_set1_epi8('-'));
  __m128i under = _mm_cmpeq_epi8(c, _mm_set1_epi8('_'));
  __m128i valid = _mm_or_si128(_mm_or_si128(upper, lower), _mm_or_si128(digit, _mm_or_si128(dash, under)));
  if (_mm_movemask_epi8(valid) != 0xFFFF) return false;
  // Code = byte + offset of its class: A→0, a→26, 0→52, '-'→62, '_'→63.
  __m128i offset = _mm_or_si128(
      _mm_or_si128(_mm_and_si128(upper, _mm_set1_epi8(-65)), _mm_and_si128(lower, _mm_set1_epi8(-71))),
      _mm_or_si128(_mm_and_si128(digit, _mm_set1_epi8(4)),
                   _mm_or_si128(_mm_and_si128(dash, _mm_set1_epi8(17)), _mm_and_si128(under, _mm_set1_epi8(-32)))));
  __m128i code = _mm_add_epi8(c, offset);
  // Pairs → 12 bits (first character high), pairs of those → 24 bits, pairs of those → 48 bits:
  // the big-endian bit stream of PackId, eight characters per 64-bit lane.
  __m128i p12 = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(code, _mm_set1_epi16(0xFF)), 6), _mm_srli_epi16(code, 8));
  __m128i p24 = _mm_madd_epi16(p12, _mm_set1_epi32((1 << 16) | (1 << 12)));
  __m128i p48 = _mm_or_si128(_mm_slli_epi64(_mm_and_si128(p24, _mm_set1_epi64x(0xFFFFFFFF)), 24),
                             _mm_srli_epi64(p24, 32));
  auto lo = static_cast<uint64_t>(_mm_cvtsi128_si64(p48));
  auto hi = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_srli_si128(p48, 8)));
  lo = __builtin_bswap64(lo << 16);
  hi = __builtin_bswap64(hi << 16);
  std::memcpy(out, &lo, 8);
  std::memcpy(out + 6, &hi, 8);
  return true;
}
#endif

// Packs the id that starts at s[pos] and ends at the next '\t'. Returns the tab's index, or
// kNoPos when the id is empty, too long, has a character outside the alphabet (PackId would
// refuse it, or it is not \S+), or is not followed by a tab.
size_t PackIdField(const char* s, size_t n, size_t pos, char* out, size_t& out_size) {
  size_t i = pos;
  char* o = out;
#if defined(__SSE2__)
  // Blocks of 16 characters are 12 whole bytes, so the scalar tail starts on a byte boundary.
  while (n - i >= 16 && i - pos + 16 <= kFastMaxIdChars && PackBlock16(s + i, o)) {
    i += 16;
    o += 12;
  }
#endif
  uint32_t acc = 0;
  int bits = 0;
  while (i < n && i - pos < kFastMaxIdChars) {
    uint8_t c = kTables.id_code[static_cast<unsigned char>(s[i])];
    if (c == 0xFF) break;
    acc = (acc << 6) | c;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *o++ = static_cast<char>((acc >> bits) & 0xFF);
    }
    ++i;
  }
  if (i == pos || i >= n || s[i] != '\t') return kNoPos;
  if (bits > 0) *o++ = static_cast<char>((acc << (8 - bits)) & 0xFF);
  out_size = static_cast<size_t>(o - out);
  return i;
}

// 64 lowercase hex digits → 32 bytes; false when any is something else.
bool DecodeHex64(const char* s, uint8_t* out) {
#if defined(__SSE2__)
  for (int k = 0; k < 4; ++k) {
    __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16 * k));
    __m128i digit = InRange(c, '0', '9');
    __m128i af = InRange(c, 'a', 'f');
    if (_mm_movemask_epi8(_mm_or_si128(digit, af)) != 0xFFFF) return false;
    // 'a' - '0' is 49; a..f must become 10..15, so letters lose 39 more.
    __m128i v = _mm_sub_epi8(_mm_sub_epi8(c, _mm_set1_epi8('0')), _mm_and_si128(af, _mm_set1_epi8(39)));
    // Each 16-bit lane holds (first digit, second digit): byte = first << 4 | second.
    __m128i bytes = _mm_or_si128(_mm_and_si128(_mm_slli_epi16(v, 4), _mm_set1_epi16(0xF0)), _mm_srli_epi16(v, 8));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 8 * k), _mm_packus_epi16(bytes, bytes));
  }
  return true;
#else
  int bad = 0;
  for (size_t i = 0; i < 32; ++i) {
    int hi = kTables.hex[static_cast<unsigned char>(s[2 * i])];
    int lo = kTables.hex[static_cast<unsigned char>(s[2 * i + 1])];
    bad |= hi | lo;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return bad >= 0;
#endif
}

#if defined(__SSE2__)
// One 16-byte window of a name. `carry` is 1 when the byte before the window is '/' (or the
// window starts the name). False: something RelativeFilenameProblem must judge.
inline bool NameWindowIsPlain(__m128i c, uint32_t& carry) {
  __m128i control = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(c, _mm_set1_epi8('\r'))),
                                 _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(c, _mm_setzero_si128())));
  auto slash = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(c, _mm_set1_epi8('/'))));
  auto dot = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(c, _mm_set1_epi8('.'))));
  auto bad = static_cast<uint32_t>(_mm_movemask_epi8(control));
  uint32_t component_start = ((slash << 1) | carry) & 0xFFFF;
  carry = slash >> 15;
  // A '/' or '.' that starts a component may be "//", "/" at the start, "." or "..".
  return (bad | ((slash | dot) & component_start)) == 0;
}
#endif

}  // namespace

bool FastIsRelativeFilename(std::string_view name) {
#if defined(__SSE2__)
  size_t n = name.size();
  if (n != 0 && name.back() != '/') {
    const char* p = name.data();
    uint32_t carry = 1;
    size_t i = 0;
    bool plain = true;
    for (; plain && n - i >= 16; i += 16) {
      plain = NameWindowIsPlain(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), carry);
    }
    if (plain && i < n) {
      // The last few bytes, padded with a byte no rule looks at (never read past the line).
      char window[16];
      std::memset(window, 'a', sizeof window);
      std::memcpy(window, p + i, n - i);
      plain = NameWindowIsPlain(_mm_loadu_si128(reinterpret_cast<const __m128i*>(window)), carry);
    }
    if (plain) return true;
  }
#endif
  return RelativeFilenameProblem(name) == nullptr;
}

bool FastParseLine(std::string_view line, FastLine& out) {
  const char* s = line.data();
  size_t n = line.size();
  if (n < 4 || s[0] < 'A' || s[0] > 'C' || s[1] != '\t') return false;
  size_t pos = 2;
  uint64_t time = 0;
  if (!DigitsThenTab(s, n, pos, time)) return false;
  ParsedLine& p = out.parsed;
  if (n - pos >= 8 && std::memcmp(s + pos, "CREATED\t", 8) == 0) {
    p.kind = LineKind::kCreated;
  } else if (n - pos >= 8 && std::memcmp(s + pos, "DELETED\t", 8) == 0) {
    p.kind = LineKind::kDeleted;
  } else {
    return false;
  }
  pos += 8;
  size_t tab = PackIdField(s, n, pos, out.packed_id, out.packed_size);
  if (tab == kNoPos) return false;
  p.version = s[0];
  p.time = static_cast<int64_t>(time);
  p.archive_id = line.substr(pos, tab - pos);
  p.job_id = {};
  pos = tab + 1;
  if (p.kind == LineKind::kDeleted) {
    p.size = 0;
    p.mtime_known = false;
    p.mtime = 0;
    p.tree_hash = {};
    p.relfilename = line.substr(pos);
    return true;
  }

  if (!DigitsThenTab(s, n, pos, p.size)) return false;
  if (n - pos >= 5 && std::memcmp(s + pos, "NONE\t", 5) == 0) {
    if (p.version == 'A') return false;  // an error, which ParseLine words
    p.mtime_known = false;
    p.mtime = 0;
    pos += 5;
  } else {
    bool negative = pos < n && s[pos] == '-';
    if (pos < n && (s[pos] == '-' || s[pos] == '+')) ++pos;
    uint64_t magnitude = 0;
    if (!DigitsThenTab(s, n, pos, magnitude)) return false;
    p.mtime_known = true;
    p.mtime = negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
  }
  // \S+ followed by a tab: 64 hex digits and a tab are exactly that.
  if (n - pos < 65 || s[pos + 64] != '\t' || !DecodeHex64(s + pos, out.hash)) return false;
  p.tree_hash = line.substr(pos, 64);
  p.relfilename = line.substr(pos + 65);
  if (p.version == 'A' && p.archive_id == p.relfilename) p.mtime_known = false;
  return FastIsRelativeFilename(p.relfilename);
}

}  // namespace mtg::journal::internal
