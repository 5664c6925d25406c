#include "config/text.h"

#include <cstdint>

namespace mtg::config {

size_t Utf8SequenceLength(std::string_view s) {
  if (s.empty()) return 0;
  const auto b0 = static_cast<uint8_t>(s[0]);
  if (b0 < 0x80) return 1;
  size_t len = 0;
  uint32_t min = 0;
  uint32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, min = 0x80, cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, min = 0x800, cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    const auto b = static_cast<uint8_t>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool IsValidUtf8(std::string_view s) {
  while (!s.empty()) {
    const size_t n = Utf8SequenceLength(s);
    if (n == 0) return false;
    s.remove_prefix(n);
  }
  return true;
}

namespace {

// Decodes a sequence already known to be well-formed.
uint32_t CodePoint(std::string_view seq) {
  const auto b0 = static_cast<uint8_t>(seq[0]);
  uint32_t cp = seq.size() == 2 ? (b0 & 0x1F) : seq.size() == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t i = 1; i < seq.size(); ++i) cp = (cp << 6) | (static_cast<uint8_t>(seq[i]) & 0x3F);
  return cp;
}

// Characters that would hide or reorder what the user sees on a terminal.
bool IsDeceptive(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x200B || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

void AppendHex(std::string& out, uint8_t b) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  out += "\\x";
  out.push_back(kDigits[b >> 4]);
  out.push_back(kDigits[b & 0xF]);
}

}  // namespace

std::string QuoteForMessage(std::string_view bytes, size_t max_bytes) {
  const bool cut = bytes.size() > max_bytes;
  if (cut) bytes = bytes.substr(0, max_bytes);
  std::string out = "\"";
  while (!bytes.empty()) {
    const auto b = static_cast<uint8_t>(bytes[0]);
    if (b >= 0x80) {
      const size_t n = Utf8SequenceLength(bytes);
      if (n > 0 && !IsDeceptive(CodePoint(bytes.substr(0, n)))) {
        out.append(bytes.substr(0, n));
      } else {
        // Escape the whole sequence when it is well-formed but deceptive, else just this byte.
        for (size_t i = 0; i < (n > 0 ? n : 1); ++i) AppendHex(out, static_cast<uint8_t>(bytes[i]));
      }
      bytes.remove_prefix(n > 0 ? n : 1);
      continue;
    }
    switch (b) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (b < 0x20 || b == 0x7F) {
          AppendHex(out, b);
        } else {
          out.push_back(static_cast<char>(b));
        }
    }
    bytes.remove_prefix(1);
  }
  out += "\"";
  if (cut) out += "...";
  return out;
}

}  // namespace mtg::config
