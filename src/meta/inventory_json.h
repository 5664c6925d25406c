// Streaming parser for a vault inventory in JSON (the job output of an InventoryRetrieval job in
// the default format): {"VaultARN":..., "InventoryDate":..., "ArchiveList":[{ArchiveId,
// ArchiveDescription, CreationDate, Size, SHA256TreeHash}, ...]}. Push-style: bytes go in
// chunk by chunk as they come off the network, each archive comes out through an InventorySink,
// and no DOM is ever built, so a multi-gigabyte inventory parses in bounded memory.
//
// Strict JSON (RFC 8259): whitespace is space/tab/CR/LF, strings must be well-formed UTF-8 with
// no raw control characters, \uXXXX escapes (surrogate pairs included) become UTF-8, numbers
// follow the grammar, nothing but whitespace may follow the top-level object, and nesting is
// limited to kMaxJsonDepth. Unknown keys are skipped, whatever their values hold, at the top
// level and in archives, so new service fields do not break us. Each archive must carry the five
// fields: the three text ones as strings (ArchiveDescription may also be null, meaning ""), Size
// as a number or a numeric string (mt-aws-glacier's emulator writes "17"), and CreationDate in
// any form Iso8601ToEpoch accepts ("2012-08-23T19:08:30Z", "20261126T222416Z"). A repeated key
// in one archive keeps its last value, as Perl's JSON decoder did.
//
// Errors (ErrorCode::kParse) read "inventory JSON at byte N: ...", N being the 0-based offset of
// the offending byte in the whole input (for a missing or bad field, the archive's closing '}'),
// and name the archive as ArchiveList[i] (0-based) when the problem is inside one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "meta/inventory.h"

namespace mtg::meta {

// Deeper nesting than this (only possible inside fields we skip) is refused, which bounds the
// parser's stack whatever the input.
inline constexpr size_t kMaxJsonDepth = 512;

class InventoryJsonParser {
 public:
  explicit InventoryJsonParser(InventorySink sink);
  ~InventoryJsonParser();
  InventoryJsonParser(const InventoryJsonParser&) = delete;
  InventoryJsonParser& operator=(const InventoryJsonParser&) = delete;

  // Parses the next bytes; chunks may split the input anywhere (inside a string, an escape, a
  // UTF-8 sequence or a number). After an error every later call returns the same error.
  [[nodiscard]] Result<void> Feed(std::string_view bytes);
  // Ends the input: fails when the top-level object is not complete.
  [[nodiscard]] Result<void> Finish();

  // The top-level strings; "" until seen (they may come after the ArchiveList).
  const std::string& vault_arn() const;
  const std::string& inventory_date() const;
  // Archives passed to the sink so far.
  uint64_t archive_count() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

struct InventoryHeader {
  std::string vault_arn;
  std::string inventory_date;
  uint64_t archive_count = 0;
};

// Parses a whole inventory held in memory.
[[nodiscard]] Result<InventoryHeader> ParseInventoryJson(std::string_view text, InventorySink sink);

}  // namespace mtg::meta
