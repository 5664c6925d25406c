#include "meta/base64url.h"

#include <array>
#include <cstdint>

namespace mtg::meta {
namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr uint8_t kInvalid = 0xFF;
constexpr uint8_t kPad = 64;

// Standard alphabet plus '=' (kPad); the url characters are translated before lookup.
constexpr std::array<uint8_t, 256> MakeDecodeTable() {
  std::array<uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(kStandard[i])] = i;
  table['='] = kPad;
  return table;
}
constexpr std::array<uint8_t, 256> kDecode = MakeDecodeTable();

uint8_t Lookup(char c) {
  if (c == '-') c = '+';
  if (c == '_') c = '/';
  return kDecode[static_cast<unsigned char>(c)];
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  const auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t v = at(i) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
  } else if (rest == 2) {
    const uint32_t v = at(i) << 16 | at(i + 1) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

std::string Base64UrlDecode(std::string_view text, size_t length_in_chars) {
  if (length_in_chars == std::string_view::npos) length_in_chars = text.size();
  // The appended padding only matters at the very end, so it is modelled as extra '='
  // characters after the text rather than copied in.
  const size_t padding = length_in_chars % 4 == 0 ? 0 : 4 - length_in_chars % 4;
  const size_t total = text.size() + padding;
  const auto char_at = [&](size_t k) { return k < text.size() ? text[k] : '='; };

  std::string out;
  out.reserve(total / 4 * 3);
  size_t pos = 0;
  while (pos < total) {
    uint8_t group[4] = {0, 0, 0, 0};
    int filled = 0;
    // Gather four alphabet characters, skipping anything else; a short final group is
    // completed with padding (two or three characters) or dropped (one or none).
    for (;;) {
      const uint8_t value = Lookup(char_at(pos++));
      if (value != kInvalid) group[filled++] = value;
      if (pos == total) {
        if (filled < 4) {
          if (filled < 2) return out;
          if (filled == 2) group[2] = kPad;
          group[3] = kPad;
        }
        break;
      }
      if (filled == 4) break;
    }
    if (group[0] == kPad || group[1] == kPad) break;
    out.push_back(static_cast<char>((group[0] << 2) | ((group[1] & 0x30) >> 4)));
    if (group[2] == kPad) break;
    out.push_back(static_cast<char>(((group[1] & 0x0F) << 4) | ((group[2] & 0x3C) >> 2)));
    if (group[3] == kPad) break;
    out.push_back(static_cast<char>(((group[2] & 0x03) << 6) | group[3]));
  }
  return out;
}

}  // namespace mtg::meta
