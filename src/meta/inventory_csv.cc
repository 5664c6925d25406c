#include "meta/inventory_csv.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace mtg::meta {
namespace {

using internal::InventoryField;
using internal::kFieldCount;
using internal::kInventoryFieldNames;

// The bytes an unquoted field cannot hold.
constexpr std::array<bool, 256> MakeSpecialTable() {
  std::array<bool, 256> t{};
  t['\\'] = t['"'] = t[','] = true;
  return t;
}
constexpr std::array<bool, 256> kSpecial = MakeSpecialTable();

// One field of a record: [begin, end) of the line, and whether it was quoted (so `\"` must be
// turned into `"`).
struct Span {
  size_t begin = 0;
  size_t end = 0;
  bool quoted = false;
};

// Splits one record the way mt-aws-glacier's regex
//   ^F,F,...,F$  with  F = ([^\\",]*?)|"((?:\\"|\\|.)*)"
// does. A backtracking regex engine explores, for field i starting at p: the unquoted
// alternative first (lazy, but only its longest length can be followed by ',' or the end of
// line), then, if the line has '"' at p, the quoted alternative with its closing quote at c for
// c from the right end leftwards (the greedy star tries content ends longest first; what
// follows a field never depends on how earlier fields were split). The first alternative for
// which the rest of the line matches wins. We run that same search, depth first, so the split
// is the one the original found.
//
// Cost: Match(i, p) for the rest of the line depends only on (i, p), and the quoted
// alternative's outcome depends only on i and which closing positions have failed, so each
// column remembers the lowest closing position already tried (all failed): every column scans
// the line at most a constant number of times, O(columns x length) in the worst case, and
// about two passes over a normal line.
class RecordSplitter {
 public:
  // False when the line does not split into `columns` fields; otherwise spans() holds them.
  bool Split(std::string_view line, size_t columns) {
    line_ = line;
    columns_ = columns;
    spans_.resize(columns);
    tried_from_.assign(columns, line.size());
    return Match(0, 0);
  }

  const std::vector<Span>& spans() const { return spans_; }

 private:
  bool Match(size_t col, size_t p) {
    const size_t len = line_.size();
    const bool last = col + 1 == columns_;
    size_t e = p;
    while (e < len && !kSpecial[static_cast<unsigned char>(line_[e])]) ++e;
    if (last ? e == len : (e < len && line_[e] == ',' && Match(col + 1, e + 1))) {
      spans_[col] = {p, e, false};
      return true;
    }
    if (p >= len || line_[p] != '"') return false;
    if (last) {
      if (len - 1 > p && line_[len - 1] == '"') {
        spans_[col] = {p + 1, len - 1, true};
        return true;
      }
      return false;
    }
    // Closing quote at c, followed by ',' and the next field at c + 2. Positions at or above
    // tried_from_[col] were tried for this column already, and failed.
    const size_t start = std::min(tried_from_[col], len - 1);
    for (size_t c = start; c-- > p + 1;) {
      if (line_[c] == '"' && line_[c + 1] == ',' && Match(col + 1, c + 2)) {
        spans_[col] = {p + 1, c, true};
        return true;
      }
    }
    tried_from_[col] = std::min(tried_from_[col], p + 1);
    return false;
  }

  std::string_view line_;
  size_t columns_ = 0;
  std::vector<Span> spans_;
  std::vector<size_t> tried_from_;
};

// mt-aws-glacier's s/\\"/"/g: left to right, `\"` becomes `"`, every other byte stays.
void UnescapeQuotes(std::string_view text, std::string& out) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t slash = text.find('\\', i);
    if (slash == std::string_view::npos) break;
    out.append(text.substr(i, slash - i));
    if (slash + 1 < text.size() && text[slash + 1] == '"') {
      out += '"';
      i = slash + 2;
    } else {
      out += '\\';
      i = slash + 1;
    }
  }
  out.append(text.substr(i));
}

// Perl's `split /,/, $line`: trailing empty fields are dropped.
std::vector<std::string_view> SplitHeader(std::string_view line) {
  std::vector<std::string_view> names;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    names.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  while (!names.empty() && names.back().empty()) names.pop_back();
  return names;
}

}  // namespace

class InventoryCsvParser::Impl {
 public:
  explicit Impl(InventorySink sink) : sink_(std::move(sink)) {}

  Result<void> Feed(std::string_view bytes) {
    if (failed_) return Fail(error_);
    if (finished_) return Fault("Feed after Finish");
    Result<void> r = Run(bytes);
    if (!r) Remember(r.error());
    return r;
  }

  Result<void> Finish() {
    if (failed_) return Fail(error_);
    finished_ = true;
    Result<void> r = Ok();
    if (!partial_.empty()) {
      r = Line(partial_);
      partial_.clear();
    } else if (line_number_ == 0) {
      r = Fault("empty input (no CSV header)");
    }
    if (!r) Remember(r.error());
    return r;
  }

  uint64_t archive_count() const { return archive_count_; }

 private:
  // The error for the current line (line_number_ + 1 while the line is being read).
  std::unexpected<Error> Fault(std::string_view message) const {
    return Fail(ErrorCode::kParse,
                "inventory CSV at line " + std::to_string(line_number_ + 1) + ": " + std::string(message));
  }

  void Remember(const Error& e) {
    failed_ = true;
    error_ = e;
  }

  Result<void> TooLong() const {
    return Fault("line longer than " + std::to_string(kMaxCsvLineSize) + " bytes");
  }

  Result<void> Run(std::string_view bytes) {
    while (!bytes.empty()) {
      const void* found = std::memchr(bytes.data(), '\n', bytes.size());
      if (found == nullptr) {
        if (partial_.size() + bytes.size() > kMaxCsvLineSize + 1) return TooLong();  // +1: a "\r"
        partial_.append(bytes);
        return Ok();
      }
      const size_t end = static_cast<size_t>(static_cast<const char*>(found) - bytes.data());
      if (partial_.empty()) {
        MTG_TRY_VOID(Line(bytes.substr(0, end)));
      } else {
        if (partial_.size() + end > kMaxCsvLineSize + 1) return TooLong();
        partial_.append(bytes.substr(0, end));
        MTG_TRY_VOID(Line(partial_));
        partial_.clear();
      }
      bytes.remove_prefix(end + 1);
    }
    return Ok();
  }

  Result<void> Line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxCsvLineSize) return TooLong();
    MTG_TRY_VOID(line_number_ == 0 ? Header(line) : Record(line));
    ++line_number_;
    return Ok();
  }

  Result<void> Header(std::string_view line) {
    std::vector<std::string_view> names = SplitHeader(line);
    if (names.size() > kMaxCsvColumns) {
      return Fault("more than " + std::to_string(kMaxCsvColumns) + " columns in the CSV header");
    }
    columns_ = names.size();
    column_of_.fill(SIZE_MAX);
    for (size_t i = 0; i < names.size(); ++i) {
      std::string_view name = names[i];
      if (!name.empty() && name.front() == '"') name.remove_prefix(1);
      if (!name.empty() && name.back() == '"') name.remove_suffix(1);
      const int field = internal::InventoryFieldIndex(name);
      if (field >= 0) column_of_[static_cast<size_t>(field)] = i;
    }
    for (int f = 0; f < kFieldCount; ++f) {
      if (column_of_[static_cast<size_t>(f)] == SIZE_MAX) {
        return Fault("no " + std::string(kInventoryFieldNames[f]) + " column in the CSV header " +
                     internal::QuoteForError(line));
      }
    }
    return Ok();
  }

  Result<void> Record(std::string_view line) {
    if (!splitter_.Split(line, columns_)) {
      return Fault("bad CSV line (does not split into " + std::to_string(columns_) + " fields): " +
                   internal::QuoteForError(line));
    }
    const std::vector<Span>& spans = splitter_.spans();
    for (int f = 0; f < kFieldCount; ++f) {
      const Span& span = spans[column_of_[static_cast<size_t>(f)]];
      if (span.end - span.begin > kMaxInventoryFieldSize) {
        return Fault(std::string(kInventoryFieldNames[f]) + " longer than " +
                     std::to_string(kMaxInventoryFieldSize) + " bytes");
      }
      std::string& out = FieldBuffer(f);
      out.clear();
      const std::string_view text = line.substr(span.begin, span.end - span.begin);
      if (span.quoted) {
        UnescapeQuotes(text, out);
      } else {
        out.append(text);
      }
    }
    Result<void> completed = internal::CompleteInventoryItem(item_, size_text_);
    if (!completed) return Fault(completed.error().message);
    MTG_TRY_VOID(sink_(item_));
    ++archive_count_;
    return Ok();
  }

  std::string& FieldBuffer(int field) {
    switch (field) {
      case InventoryField::kArchiveId: return item_.archive_id;
      case InventoryField::kDescription: return item_.description;
      case InventoryField::kCreationDate: return item_.creation_date;
      case InventoryField::kSize: return size_text_;
      default: return item_.sha256_tree_hash;
    }
  }

  InventorySink sink_;
  bool failed_ = false;
  bool finished_ = false;
  Error error_;

  std::string partial_;       // an unfinished line carried to the next Feed
  uint64_t line_number_ = 0;  // lines completed
  size_t columns_ = 0;
  std::array<size_t, kFieldCount> column_of_{};
  RecordSplitter splitter_;

  std::string size_text_;
  InventoryItem item_;
  uint64_t archive_count_ = 0;
};

InventoryCsvParser::InventoryCsvParser(InventorySink sink) : impl_(std::make_unique<Impl>(std::move(sink))) {}
InventoryCsvParser::~InventoryCsvParser() = default;

Result<void> InventoryCsvParser::Feed(std::string_view bytes) { return impl_->Feed(bytes); }
Result<void> InventoryCsvParser::Finish() { return impl_->Finish(); }
uint64_t InventoryCsvParser::archive_count() const { return impl_->archive_count(); }

std::optional<std::vector<std::string>> internal::SplitCsvRecord(std::string_view line, size_t columns) {
  if (columns == 0) return std::nullopt;
  RecordSplitter splitter;
  if (!splitter.Split(line, columns)) return std::nullopt;
  std::vector<std::string> fields;
  for (const Span& span : splitter.spans()) {
    std::string& out = fields.emplace_back();
    const std::string_view text = line.substr(span.begin, span.end - span.begin);
    if (span.quoted) {
      UnescapeQuotes(text, out);
    } else {
      out.assign(text);
    }
  }
  return fields;
}

Result<uint64_t> ParseInventoryCsv(std::string_view text, InventorySink sink) {
  InventoryCsvParser parser(std::move(sink));
  MTG_TRY_VOID(parser.Feed(text));
  MTG_TRY_VOID(parser.Finish());
  return parser.archive_count();
}

}  // namespace mtg::meta
