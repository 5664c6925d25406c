#include "sync/inventory_journal.h"

#include <vector>

#include "journal/journal_writer.h"
#include "journal/relative_name.h"
#include "meta/description.h"
#include "meta/inventory_csv.h"
#include "meta/inventory_json.h"

namespace mtg::sync {

Result<InventoryFormat> InventoryFormatFromContentType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type == "application/json") return InventoryFormat::kJson;
  if (type == "text/csv") return InventoryFormat::kCsv;
  return Fail(ErrorCode::kParse, "unknown inventory content type \"" + std::string(content_type) +
                                     "\" (want application/json or text/csv)");
}

struct InventoryStream::Impl {
  std::unique_ptr<meta::InventoryJsonParser> json;
  std::unique_ptr<meta::InventoryCsvParser> csv;
};

InventoryStream::InventoryStream(InventoryFormat format, meta::InventorySink sink)
    : impl_(std::make_unique<Impl>()) {
  if (format == InventoryFormat::kJson) {
    impl_->json = std::make_unique<meta::InventoryJsonParser>(std::move(sink));
  } else {
    impl_->csv = std::make_unique<meta::InventoryCsvParser>(std::move(sink));
  }
}
InventoryStream::~InventoryStream() = default;

Result<void> InventoryStream::Feed(std::string_view bytes) {
  return impl_->json ? impl_->json->Feed(bytes) : impl_->csv->Feed(bytes);
}
Result<void> InventoryStream::Finish() {
  return impl_->json ? impl_->json->Finish() : impl_->csv->Finish();
}
std::string InventoryStream::inventory_date() const {
  return impl_->json ? impl_->json->inventory_date() : std::string();
}

Result<std::string> ParseInventoryFile(io::FileSystem& fs, const std::string& path,
                                       InventoryFormat format, meta::InventorySink sink) {
  auto file = fs.OpenRead(path, io::ReadHint::kSequential);
  if (!file) return Fail(file.error());
  InventoryStream stream(format, std::move(sink));
  std::vector<char> buffer(1 << 20);
  for (uint64_t offset = 0;;) {
    auto n = (*file)->ReadAt(offset, std::span<char>(buffer));
    if (!n) return Fail(n.error());
    if (*n == 0) break;
    MTG_TRY_VOID(stream.Feed(std::string_view(buffer.data(), *n)));
    offset += *n;
  }
  MTG_TRY_VOID(stream.Finish());
  return stream.inventory_date();
}

Result<std::string> JournalLineFor(const meta::InventoryItem& item, InventoryJournalCounts& counts,
                                   const std::function<void(const std::string&)>& warn) {
  ++counts.archives;
  std::string name = item.archive_id;
  std::optional<int64_t> mtime;
  meta::DecodedDescription decoded = meta::DecodeDescription(item.description);
  if (decoded && journal::IsRelativeFilename(decoded->filename)) {
    name = decoded->filename;
    mtime = decoded->mtime;
    ++counts.ours;
  } else {
    ++counts.foreign;
    if (decoded) {
      ++counts.unsafe_names;
      if (warn) {
        warn("archive " + item.archive_id + ": its description names \"" +
             meta::internal::QuoteForError(decoded->filename) + "\" (" +
             journal::RelativeFilenameProblem(decoded->filename) +
             "); recorded under its archive id with mtime NONE");
      }
    }
  }
  std::string tree = item.sha256_tree_hash;
  for (char& c : tree) c = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  auto line = journal::FormatCreated({.time = item.creation_epoch, .archive_id = item.archive_id,
                                      .size = item.size, .mtime = mtime, .tree_hash = tree,
                                      .relfilename = name});
  if (!line) return Fail(line.error().WithContext("archive " + item.archive_id));
  return line;
}

Result<InventoryJournalCounts> WriteJournalFromInventory(
    io::FileSystem& fs, const std::string& inventory_path, InventoryFormat format,
    const std::string& journal_path, const std::function<void(const std::string&)>& warn) {
  std::string prefix = ".";
  prefix += io::BaseName(journal_path);
  prefix += ".tmp-";
  auto temp = fs.CreateUniqueFile(io::DirName(journal_path), prefix);
  if (!temp) return Fail(temp.error());
  InventoryJournalCounts counts;
  std::string pending;
  uint64_t written = 0;
  auto flush = [&]() -> Result<void> {
    MTG_TRY_VOID(temp->file->WriteAt(written, pending));
    written += pending.size();
    pending.clear();
    return Ok();
  };
  auto converted = [&]() -> Result<void> {
    auto parsed = ParseInventoryFile(fs, inventory_path, format,
                                     [&](const meta::InventoryItem& item) -> Result<void> {
                                       auto line = JournalLineFor(item, counts, warn);
                                       if (!line) return Fail(line.error());
                                       pending += *line;
                                       pending += '\n';
                                       if (pending.size() >= (1 << 20)) return flush();
                                       return Ok();
                                     });
    if (!parsed) return Fail(parsed.error());
    MTG_TRY_VOID(flush());
    MTG_TRY_VOID(temp->file->Sync());
    MTG_TRY_VOID(temp->file->Close());
    MTG_TRY_VOID(fs.Rename(temp->path, journal_path));
    return fs.SyncDir(io::DirName(journal_path));
  }();
  if (!converted) {
    (void)fs.Remove(temp->path);
    return Fail(converted.error());
  }
  return counts;
}

}  // namespace mtg::sync
