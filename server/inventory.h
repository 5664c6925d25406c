// Vault inventories as the service writes them: the JSON document
//   {"VaultARN":"...","InventoryDate":"...","ArchiveList":[{"ArchiveId":...,
//    "ArchiveDescription":...,"CreationDate":...,"Size":123,"SHA256TreeHash":...},...]}
// and Amazon's CSV dialect (header ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash;
// the description always quoted, '"' inside it written as \" and backslashes left as they are,
// mt-aws-glacier-1.120.md §6.5). Generation streams to a file through a small buffer, so an
// inventory of millions of archives needs no more memory than one of ten.
//
// Also the ISO 8601 dates the service uses everywhere ("2012-08-23T19:08:30Z").
#pragma once

#include <cstdint>
#include <optional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace mtg::server {

enum class InventoryFormat { kJson, kCsv };

// "JSON" / "CSV" (exact, as the service accepts them).
std::optional<InventoryFormat> ParseInventoryFormat(std::string_view text);
std::string_view InventoryFormatName(InventoryFormat format);
// "application/json" or "text/csv".
std::string_view InventoryContentType(InventoryFormat format);

// "2012-08-23T19:08:30Z".
std::string FormatIsoDate(int64_t unix_seconds);
// Accepts "2012-08-23T19:08:30Z", with optional fractional seconds ("...30.123Z") and the
// offset form "+00:00"; nullopt for anything else or an impossible date.
std::optional<int64_t> ParseIsoDate(std::string_view text);

// Amazon's CSV quoting of one field: "..." with '"' → \" and nothing else escaped.
std::string AmazonCsvQuote(std::string_view text);

struct InventoryArchive {
  std::string_view archive_id;
  std::string_view description;
  int64_t creation_unix = 0;
  uint64_t size = 0;
  std::string_view tree_hash;  // 64 lowercase hex
};

// Writes one inventory to path. The document goes to path + ".tmp" and is renamed into place by
// Finish after an fsync, so a crash never leaves a half inventory at path.
class InventoryWriter {
 public:
  [[nodiscard]] static Result<std::unique_ptr<InventoryWriter>> Create(
      const std::string& path, InventoryFormat format, std::string_view vault_arn,
      int64_t inventory_date_unix);
  ~InventoryWriter();
  InventoryWriter(const InventoryWriter&) = delete;
  InventoryWriter& operator=(const InventoryWriter&) = delete;

  [[nodiscard]] Result<void> Add(const InventoryArchive& archive);
  // Completes the document; returns its size in bytes.
  [[nodiscard]] Result<uint64_t> Finish();
  uint64_t count() const { return count_; }

 private:
  InventoryWriter(std::string path, int fd, InventoryFormat format)
      : path_(std::move(path)), fd_(fd), format_(format) {}
  [[nodiscard]] Result<void> Flush();
  [[nodiscard]] Result<void> Append(std::string_view text);

  std::string path_;
  int fd_;
  InventoryFormat format_;
  std::string buffer_;
  uint64_t written_ = 0;
  uint64_t count_ = 0;
  bool finished_ = false;
};

}  // namespace mtg::server
