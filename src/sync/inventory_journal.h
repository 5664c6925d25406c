// download-inventory's conversion (reference §5.5): a vault inventory, JSON or Amazon's CSV,
// streamed through the meta parsers, becomes a version-B journal with one CREATED record per
// archive, in inventory order. An archive whose description is ours (mt1/mt2) gets its file name
// and mtime; any other archive keeps its archive id as name and NONE as mtime. Fixes: a
// description of ours naming an unsafe path ("../x", "/etc/x") is recorded like a foreign
// archive, with a warning, where the original aborted the whole command; the journal is written
// to a temporary file and renamed into place, so a failed conversion leaves no half journal.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/file_system.h"
#include "meta/inventory.h"

namespace mtg::sync {

enum class InventoryFormat { kJson, kCsv };

// From the job output's Content-Type: application/json or text/csv (parameters such as
// "; charset=UTF-8" allowed); anything else is kParse "unknown inventory content type".
[[nodiscard]] Result<InventoryFormat> InventoryFormatFromContentType(std::string_view content_type);

// Either parser behind one push interface.
class InventoryStream {
 public:
  InventoryStream(InventoryFormat format, meta::InventorySink sink);
  ~InventoryStream();
  [[nodiscard]] Result<void> Feed(std::string_view bytes);
  [[nodiscard]] Result<void> Finish();
  // The JSON inventory's InventoryDate ("" for CSV, which has none).
  std::string inventory_date() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Streams the file at `path` (1 MiB at a time) through an InventoryStream.
[[nodiscard]] Result<std::string> ParseInventoryFile(io::FileSystem& fs, const std::string& path,
                                                     InventoryFormat format, meta::InventorySink sink);

struct InventoryJournalCounts {
  uint64_t archives = 0;
  uint64_t ours = 0;          // named from an mt1/mt2 description
  uint64_t foreign = 0;       // named by archive id, mtime NONE
  uint64_t unsafe_names = 0;  // of ours, but the name was refused (also counted in foreign)
};

// The journal line (without "\n") for one inventory archive, counting it in `counts`; `warn`
// hears about refused names.
[[nodiscard]] Result<std::string> JournalLineFor(const meta::InventoryItem& item,
                                                 InventoryJournalCounts& counts,
                                                 const std::function<void(const std::string&)>& warn);

// Converts the inventory in `inventory_path` into a new journal at `journal_path` (replacing an
// empty file there; the caller checks it is absent or empty and holds the journal lock).
[[nodiscard]] Result<InventoryJournalCounts> WriteJournalFromInventory(
    io::FileSystem& fs, const std::string& inventory_path, InventoryFormat format,
    const std::string& journal_path, const std::function<void(const std::string&)>& warn);

}  // namespace mtg::sync
