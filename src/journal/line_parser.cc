#include "journal/line_parser.h"

#include <limits>

#include "journal/relative_name.h"

namespace mtg::journal {
namespace {

enum : uint8_t { kPlain = 0, kSpace = 1, kMaybeSpace = 2 };

struct ByteKinds {
  uint8_t kind[256];
  constexpr ByteKinds() : kind() {
    for (int c : {' ', '\t', '\n', '\v', '\f', '\r'}) kind[c] = kSpace;
    for (int c : {0xC2, 0xE1, 0xE2, 0xE3}) kind[c] = kMaybeSpace;
  }
};
constexpr ByteKinds kByteKind;

// A cursor over the line. Each Take* consumes input only on success, mirroring one regex atom.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool AtEnd() const { return pos_ == s_.size(); }
  std::string_view Rest() {
    std::string_view r = s_.substr(pos_);
    pos_ = s_.size();
    return r;
  }

  bool TakeChar(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool TakeWord(std::string_view w) {
    if (s_.substr(pos_, w.size()) == w) {
      pos_ += w.size();
      return true;
    }
    return false;
  }

  // [0-9]{1,20}: greedy, at most 20 digits (a 21st digit makes the next atom fail, as in Perl).
  // `overflow` is set when the value does not fit in uint64.
  bool TakeDigits(uint64_t& value, bool& overflow) {
    size_t start = pos_;
    size_t end = pos_;
    while (end < s_.size() && end - start < 20 && s_[end] >= '0' && s_[end] <= '9') ++end;
    if (end == start) return false;
    uint64_t v = 0;
    overflow = false;
    for (size_t i = start; i < end; ++i) {
      auto d = static_cast<uint64_t>(s_[i] - '0');
      if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) overflow = true;
      v = v * 10 + d;
    }
    value = v;
    pos_ = end;
    return true;
  }

  // \S+ (Perl, character semantics: ASCII and Unicode whitespace both end it).
  bool TakeNonSpace(std::string_view& out) {
    size_t start = pos_;
    size_t end = pos_;
    // Hot loop: most bytes are plain visible ASCII; only spaces and a few UTF-8 lead bytes
    // (0xC2, 0xE1, 0xE2, 0xE3) need the full check.
    while (end < s_.size()) {
      uint8_t kind = kByteKind.kind[static_cast<unsigned char>(s_[end])];
      if (kind == kPlain) {
        ++end;
        continue;
      }
      if (kind == kSpace || SpaceLength(end) != 0) break;
      ++end;
    }
    if (end == start) return false;
    out = s_.substr(start, end - start);
    pos_ = end;
    return true;
  }

  // \s+
  bool TakeSpaces() {
    size_t start = pos_;
    while (pos_ < s_.size()) {
      size_t n = SpaceLength(pos_);
      if (n == 0) break;
      pos_ += n;
    }
    return pos_ != start;
  }

 private:
  // Length in bytes of the whitespace character at i, or 0. Perl's \s on a decoded string:
  // [\t\n\v\f\r ] and U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
  // U+3000 (here in their UTF-8 forms).
  size_t SpaceLength(size_t i) const {
    auto b = [&](size_t k) -> unsigned {
      return i + k < s_.size() ? static_cast<unsigned char>(s_[i + k]) : 0u;
    };
    unsigned c = b(0);
    if (c < 0x80) {
      return (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') ? 1 : 0;
    }
    switch (c) {
      case 0xC2:
        return (b(1) == 0x85 || b(1) == 0xA0) ? 2 : 0;
      case 0xE1:
        return (b(1) == 0x9A && b(2) == 0x80) ? 3 : 0;
      case 0xE2:
        if (b(1) == 0x80) {
          unsigned t = b(2);
          return ((t >= 0x80 && t <= 0x8A) || t == 0xA8 || t == 0xA9 || t == 0xAF) ? 3 : 0;
        }
        return (b(1) == 0x81 && b(2) == 0x9F) ? 3 : 0;
      case 0xE3:
        return (b(1) == 0x80 && b(2) == 0x80) ? 3 : 0;
      default:
        return 0;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

constexpr uint64_t kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

struct Numbers {
  uint64_t time = 0;
  bool time_overflow = false;
  uint64_t size = 0;
  bool size_overflow = false;
  bool mtime_none = false;
  bool mtime_negative = false;
  uint64_t mtime_abs = 0;
  bool mtime_overflow = false;
};

// ^([ABC])\t([0-9]{1,20})\tCREATED\t(\S+)\t([0-9]{1,20})\t([+-]?[0-9]{1,20}|NONE)\t(\S+)\t(.*?)$
// ^([ABC])\t([0-9]{1,20})\tDELETED\t(\S+)\t(.*?)$
// ^([ABC])\t([0-9]{1,20})\tRETRIEVE_JOB\t(\S+)\t(.*?)$
bool MatchVersionABC(std::string_view line, ParsedLine& out, Numbers& n) {
  if (line.size() < 2 || line[0] < 'A' || line[0] > 'C' || line[1] != '\t') return false;
  Scanner s(line.substr(2));
  if (!s.TakeDigits(n.time, n.time_overflow) || !s.TakeChar('\t')) return false;
  out.version = line[0];
  if (s.TakeWord("CREATED\t")) {
    out.kind = LineKind::kCreated;
    if (!s.TakeNonSpace(out.archive_id) || !s.TakeChar('\t')) return false;
    if (!s.TakeDigits(n.size, n.size_overflow) || !s.TakeChar('\t')) return false;
    if (s.TakeWord("NONE\t")) {
      n.mtime_none = true;
    } else {
      if (s.TakeChar('-')) {
        n.mtime_negative = true;
      } else {
        s.TakeChar('+');
      }
      if (!s.TakeDigits(n.mtime_abs, n.mtime_overflow) || !s.TakeChar('\t')) return false;
    }
    if (!s.TakeNonSpace(out.tree_hash) || !s.TakeChar('\t')) return false;
    out.relfilename = s.Rest();
    return true;
  }
  if (s.TakeWord("DELETED\t")) {
    out.kind = LineKind::kDeleted;
    if (!s.TakeNonSpace(out.archive_id) || !s.TakeChar('\t')) return false;
    out.relfilename = s.Rest();
    return true;
  }
  if (s.TakeWord("RETRIEVE_JOB\t")) {
    out.kind = LineKind::kRetrieveJob;
    if (!s.TakeNonSpace(out.archive_id) || !s.TakeChar('\t')) return false;
    out.job_id = s.Rest();
    return true;
  }
  return false;
}

// ^([0-9]{1,20}) CREATED (\S+) ([0-9]{1,20}) (\S+) (.*?)$
// ^[0-9]{1,20}\s+DELETED\s+(\S+)\s+(.*?)$
// ^([0-9]{1,20})\s+RETRIEVE_JOB\s+(\S+)$
bool MatchVersion0(std::string_view line, ParsedLine& out, Numbers& n) {
  out.version = '0';
  {
    Scanner s(line);
    if (s.TakeDigits(n.time, n.time_overflow) && s.TakeWord(" CREATED ") &&
        s.TakeNonSpace(out.archive_id) && s.TakeChar(' ') && s.TakeDigits(n.size, n.size_overflow) &&
        s.TakeChar(' ') && s.TakeNonSpace(out.tree_hash) && s.TakeChar(' ')) {
      out.kind = LineKind::kCreated;
      n.mtime_none = true;
      out.relfilename = s.Rest();
      return true;
    }
  }
  {
    Scanner s(line);
    if (s.TakeDigits(n.time, n.time_overflow) && s.TakeSpaces() && s.TakeWord("DELETED") &&
        s.TakeSpaces() && s.TakeNonSpace(out.archive_id) && s.TakeSpaces()) {
      out.kind = LineKind::kDeleted;
      out.relfilename = s.Rest();
      return true;
    }
  }
  {
    Scanner s(line);
    if (s.TakeDigits(n.time, n.time_overflow) && s.TakeSpaces() && s.TakeWord("RETRIEVE_JOB") &&
        s.TakeSpaces() && s.TakeNonSpace(out.archive_id) && s.AtEnd()) {
      out.kind = LineKind::kRetrieveJob;
      return true;
    }
  }
  return false;
}

LineProblem Classify(std::string_view line) {
  {
    Scanner s(line);
    uint64_t v;
    bool overflow;
    if (s.TakeDigits(v, overflow) && s.TakeChar(' ')) return LineProblem::kBroken;
  }
  if (line.size() >= 2 && line[1] == '\t') {
    if (line[0] >= 'A' && line[0] <= 'C') return LineProblem::kBroken;
    if (line[0] >= 'D' && line[0] <= 'Z') return LineProblem::kFutureVersion;
  }
  return LineProblem::kUnknownFormat;
}

}  // namespace

bool IsNonSpaceField(std::string_view text) {
  Scanner s(text);
  std::string_view field;
  return s.TakeNonSpace(field) && s.AtEnd();
}

LineProblem ParseLine(std::string_view line, ParsedLine& out, const char** detail) {
  const char* unused;
  if (detail == nullptr) detail = &unused;
  *detail = "";
  out = ParsedLine{};
  Numbers n;
  bool matched = false;
  if (!line.empty() && line[0] >= 'A' && line[0] <= 'C') {
    matched = MatchVersionABC(line, out, n);
    if (!matched) n = Numbers{};
  } else if (!line.empty() && line[0] >= '0' && line[0] <= '9') {
    matched = MatchVersion0(line, out, n);
  }
  if (!matched) {
    out = ParsedLine{};
    return Classify(line);
  }

  if (n.time_overflow || n.time > kInt64Max) {
    *detail = "time";
    return LineProblem::kNumberOutOfRange;
  }
  out.time = static_cast<int64_t>(n.time);
  if (out.kind != LineKind::kCreated) return LineProblem::kNone;

  if (n.size_overflow) {
    *detail = "size";
    return LineProblem::kNumberOutOfRange;
  }
  out.size = n.size;
  if (out.version != '0' && !n.mtime_none) {
    // int64 holds -2^63 .. 2^63-1: the magnitude limit is one larger for negatives.
    if (n.mtime_overflow || n.mtime_abs > kInt64Max + (n.mtime_negative ? 1 : 0)) {
      *detail = "mtime";
      return LineProblem::kNumberOutOfRange;
    }
    out.mtime_known = true;
    out.mtime = n.mtime_negative ? static_cast<int64_t>(0 - n.mtime_abs) : static_cast<int64_t>(n.mtime_abs);
  }
  if (out.version == 'A') {
    if (n.mtime_none) return LineProblem::kMtimeNoneInVersionA;
    // Old download-inventory wrote foreign archives with name = archive id and an invented mtime.
    if (out.archive_id == out.relfilename) out.mtime_known = false;
  }
  if (const char* why = RelativeFilenameProblem(out.relfilename)) {
    *detail = why;
    return LineProblem::kInvalidFilename;
  }
  return LineProblem::kNone;
}

}  // namespace mtg::journal
