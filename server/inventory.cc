#include "inventory.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "api_error.h"
#include "meta/iso8601.h"

namespace mtg::server {
namespace {

constexpr size_t kBufferSize = 1 << 20;

// Days since the epoch for a proleptic Gregorian date (Howard Hinnant's algorithm).

bool Digits(std::string_view text, size_t pos, size_t n, int* out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::optional<InventoryFormat> ParseInventoryFormat(std::string_view text) {
  if (text == "JSON") return InventoryFormat::kJson;
  if (text == "CSV") return InventoryFormat::kCsv;
  return std::nullopt;
}

std::string_view InventoryFormatName(InventoryFormat format) {
  return format == InventoryFormat::kJson ? "JSON" : "CSV";
}

std::string_view InventoryContentType(InventoryFormat format) {
  return format == InventoryFormat::kJson ? "application/json" : "text/csv";
}

std::string FormatIsoDate(int64_t unix_seconds) { return meta::EpochToIso8601Extended(unix_seconds); }

std::optional<int64_t> ParseIsoDate(std::string_view text) {
  int year, month, day, hour, minute, second;
  if (text.size() < 20 || !Digits(text, 0, 4, &year) || text[4] != '-' ||
      !Digits(text, 5, 2, &month) || text[7] != '-' || !Digits(text, 8, 2, &day) ||
      text[10] != 'T' || !Digits(text, 11, 2, &hour) || text[13] != ':' ||
      !Digits(text, 14, 2, &minute) || text[16] != ':' || !Digits(text, 17, 2, &second)) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    if (i == 1 || i > 10) return std::nullopt;
    rest = rest.substr(i);
  }
  if (rest != "Z" && rest != "+00:00") return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  return meta::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600 + minute * 60 + second;
}

std::string AmazonCsvQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Result<std::unique_ptr<InventoryWriter>> InventoryWriter::Create(const std::string& path,
                                                                 InventoryFormat format,
                                                                 std::string_view vault_arn,
                                                                 int64_t inventory_date_unix) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Fail(SysError("creating inventory " + tmp, errno));
  std::unique_ptr<InventoryWriter> writer(new InventoryWriter(path, fd, format));
  writer->buffer_.reserve(kBufferSize + 4096);
  if (format == InventoryFormat::kJson) {
    MTG_TRY_VOID(writer->Append("{\"VaultARN\":" + JsonQuote(vault_arn) +
                                ",\"InventoryDate\":\"" + FormatIsoDate(inventory_date_unix) +
                                "\",\"ArchiveList\":["));
  } else {
    MTG_TRY_VOID(writer->Append("ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n"));
  }
  return writer;
}

InventoryWriter::~InventoryWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!finished_) ::unlink((path_ + ".tmp").c_str());
}

Result<void> InventoryWriter::Append(std::string_view text) {
  buffer_.append(text);
  if (buffer_.size() >= kBufferSize) return Flush();
  return Ok();
}

Result<void> InventoryWriter::Flush() {
  std::string_view rest = buffer_;
  while (!rest.empty()) {
    ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(SysError("writing inventory " + path_ + ".tmp", errno));
    rest.remove_prefix(static_cast<size_t>(n));
    written_ += static_cast<uint64_t>(n);
  }
  buffer_.clear();
  return Ok();
}

Result<void> InventoryWriter::Add(const InventoryArchive& a) {
  std::string entry;
  entry.reserve(a.archive_id.size() + a.description.size() + 220);
  if (format_ == InventoryFormat::kJson) {
    if (count_ > 0) entry.push_back(',');
    entry += "{\"ArchiveId\":";
    entry += JsonQuote(a.archive_id);
    entry += ",\"ArchiveDescription\":";
    entry += JsonQuote(a.description);
    entry += ",\"CreationDate\":\"";
    entry += FormatIsoDate(a.creation_unix);
    entry += "\",\"Size\":";
    entry += std::to_string(a.size);
    entry += ",\"SHA256TreeHash\":";
    entry += JsonQuote(a.tree_hash);
    entry += '}';
  } else {
    entry += a.archive_id;
    entry += ',';
    entry += AmazonCsvQuote(a.description);
    entry += ',';
    entry += FormatIsoDate(a.creation_unix);
    entry += ',';
    entry += std::to_string(a.size);
    entry += ',';
    entry += a.tree_hash;
    entry += '\n';
  }
  ++count_;
  return Append(entry);
}

Result<uint64_t> InventoryWriter::Finish() {
  if (format_ == InventoryFormat::kJson) MTG_TRY_VOID(Append("]}"));
  MTG_TRY_VOID(Flush());
  if (::fsync(fd_) != 0) return Fail(SysError("syncing inventory " + path_, errno));
  if (::close(fd_) != 0) {
    fd_ = -1;
    return Fail(SysError("closing inventory " + path_, errno));
  }
  fd_ = -1;
  std::string tmp = path_ + ".tmp";
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    return Fail(SysError("renaming inventory into " + path_, errno));
  }
  finished_ = true;
  return written_;
}

}  // namespace mtg::server
