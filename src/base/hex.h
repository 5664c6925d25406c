// Hex encoding and decoding of byte strings (hash digests, signing keys).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mtg {

// Lowercase hex of the bytes.
std::string HexEncode(std::span<const uint8_t> bytes);
inline std::string HexEncode(std::string_view bytes) {
  return HexEncode(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

// Decodes hex of either case; nullopt on odd length or a non-hex character.
std::optional<std::vector<uint8_t>> HexDecode(std::string_view hex);

// True when text is exactly n lowercase hex digits (tree hashes in journals are 64 of them).
bool IsLowerHex(std::string_view text, size_t n);

}  // namespace mtg
