#include "meta/inventory.h"

#include <optional>

#include "meta/iso8601.h"

namespace mtg::meta::internal {
namespace {

// Decimal digits only (a JSON number like 3e6 or 3.0 is not a byte count), fitting uint64.
std::optional<uint64_t> ParseByteCount(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace

int InventoryFieldIndex(std::string_view name) {
  for (int i = 0; i < kFieldCount; ++i) {
    if (name == kInventoryFieldNames[i]) return i;
  }
  return -1;
}

Result<void> CompleteInventoryItem(InventoryItem& item, std::string_view size_text) {
  if (item.archive_id.empty()) return Fail(ErrorCode::kParse, "ArchiveId is empty");
  const std::optional<uint64_t> size = ParseByteCount(size_text);
  if (!size) {
    return Fail(ErrorCode::kParse,
                "Size " + QuoteForError(size_text) + " is not a whole number of bytes");
  }
  item.size = *size;
  const std::optional<int64_t> epoch = Iso8601ToEpoch(item.creation_date);
  if (!epoch) {
    return Fail(ErrorCode::kParse,
                "CreationDate " + QuoteForError(item.creation_date) + " is not an ISO 8601 date");
  }
  item.creation_epoch = *epoch;
  return Ok();
}

std::string QuoteForError(std::string_view text, size_t limit) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  if (text.size() > limit) out += "...";
  return out;
}

}  // namespace mtg::meta::internal
