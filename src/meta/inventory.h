// What the vault inventory parsers (inventory_json.h, inventory_csv.h) hand to their caller: one
// archive at a time, through a callback, because a vault's inventory can run to gigabytes and
// millions of archives (glacier-service.md §1.5) and download-inventory only needs to turn each
// archive into one journal record. The parsers buffer the current archive's fields only, each
// capped at kMaxInventoryFieldSize, so memory stays bounded whatever the inventory's size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace mtg::meta {

// Glacier's own fields are short (ids 138 bytes, descriptions <= 1,024); anything near this
// cap is not an inventory, and the cap keeps one hostile field from eating memory.
inline constexpr size_t kMaxInventoryFieldSize = 64 * 1024;

struct InventoryItem {
  std::string archive_id;          // never empty
  std::string description;         // raw ArchiveDescription (often "mt2 ..."); may be empty
  std::string creation_date;       // as the inventory wrote it
  int64_t creation_epoch = 0;      // creation_date through Iso8601ToEpoch
  uint64_t size = 0;
  std::string sha256_tree_hash;    // as the inventory wrote it (not checked here)

  bool operator==(const InventoryItem&) const = default;
};

// Called once per archive, in inventory order. The item's buffers are reused for the next
// archive, so copy what must outlive the call. An error stops the parse and is returned, as is,
// from the Feed or Finish call that was running.
using InventorySink = std::function<Result<void>(const InventoryItem& item)>;

namespace internal {

// The five fields every archive must have, in the order of InventoryItem; shared by both parsers
// so their names and checks cannot drift apart.
enum InventoryField : int { kArchiveId, kDescription, kCreationDate, kSize, kTreeHash, kFieldCount };
inline constexpr std::string_view kInventoryFieldNames[kFieldCount] = {
    "ArchiveId", "ArchiveDescription", "CreationDate", "Size", "SHA256TreeHash"};

// The field for a JSON key / CSV column name, or -1 for one we ignore.
int InventoryFieldIndex(std::string_view name);

// Fills item.size and item.creation_epoch from the text fields already in `item` (size_text is
// the Size field: digits, as a JSON number or string, or a CSV field) and checks the archive id.
// The message names the field and quotes (a bounded, escaped rendering of) the bad value; the
// caller adds where it was.
Result<void> CompleteInventoryItem(InventoryItem& item, std::string_view size_text);

// A bounded, printable rendering of outside bytes for error messages: at most `limit` bytes,
// quoted, with control and non-ASCII bytes as \xNN.
std::string QuoteForError(std::string_view text, size_t limit = 80);

}  // namespace internal
}  // namespace mtg::meta
