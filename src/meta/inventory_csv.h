// Streaming parser for a vault inventory in Amazon's CSV dialect (InventoryRetrieval with
// Format CSV), with exactly mt-aws-glacier 1.120's reading of it (reference §6.5), because that
// dialect is not real CSV: inside a quoted field `\"` stands for a quote but a backslash is
// otherwise literal, so `"\"` is one backslash and the split of a line is ambiguous.
//
//   - Lines end at "\n"; one "\r" before it (or before the end of the input) is dropped. A last
//     line without "\n" counts. Every line after the header is a record (an empty one is bad).
//   - The header is split on ",", trailing empty names dropped (Perl's split), and one leading
//     and one trailing '"' stripped from each name. Columns may come in any order; unknown
//     columns are ignored; a repeated name takes the last column. The five archive fields must
//     all be there, checked at the header (the original failed later, or not at all for a
//     header-only file).
//   - A record must split into exactly that many fields, each either unquoted ([^\\",]*) or
//     quoted ("..." holding anything), where the split chosen is the one mt-aws-glacier's
//     backtracking regex chose: per field, unquoted first, else the longest quoted one that
//     lets the rest of the line match. A quoted field has each `\"` turned into `"`, nothing
//     else. So `"\"` gives \, `"a\b"` a\b, `"\\""` \", `","` a comma, `""` "".
//   - Deliberate differences: empty input is an error (no header), a line is capped at
//     kMaxCsvLineSize bytes and a header at kMaxCsvColumns columns, and each archive's fields
//     go through the same checks as in JSON (inventory.h).
//
// Errors (ErrorCode::kParse) read "inventory CSV at line N: ..." (1-based; the header is line 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "meta/inventory.h"

namespace mtg::meta {

inline constexpr size_t kMaxCsvLineSize = 1024 * 1024;
inline constexpr size_t kMaxCsvColumns = 256;

class InventoryCsvParser {
 public:
  explicit InventoryCsvParser(InventorySink sink);
  ~InventoryCsvParser();
  InventoryCsvParser(const InventoryCsvParser&) = delete;
  InventoryCsvParser& operator=(const InventoryCsvParser&) = delete;

  // Parses the next bytes; chunks may split the input anywhere, CRLF included. After an error
  // every later call returns the same error.
  [[nodiscard]] Result<void> Feed(std::string_view bytes);
  // Ends the input: parses a last line that had no "\n".
  [[nodiscard]] Result<void> Finish();

  // Archives passed to the sink so far.
  uint64_t archive_count() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses a whole inventory held in memory; returns the number of archives.
[[nodiscard]] Result<uint64_t> ParseInventoryCsv(std::string_view text, InventorySink sink);

namespace internal {
// One record line (no line end) split into `columns` unescaped fields as above; nullopt when it
// does not split. For tests and fuzzing (the parser itself avoids the copies).
std::optional<std::vector<std::string>> SplitCsvRecord(std::string_view line, size_t columns);
}  // namespace internal

}  // namespace mtg::meta
