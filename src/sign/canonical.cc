#include "sign/canonical.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace mtg::sign {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSpaceForTrim(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n decimal digits at text[pos]; -1 if any is not a digit.
int64_t Digits(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) return -1;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

Result<int64_t> FromFields(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s) {
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
      s > 59) {
    return Fail(ErrorCode::kParse, "date field out of range");
  }
  if (d > DaysInMonth(y, static_cast<unsigned>(mo))) return Fail(ErrorCode::kParse, "no such day");
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + s;
}

void AppendPadded(std::string& out, int64_t value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
  out += digits;
}

}  // namespace

std::string UriEncode(std::string_view bytes, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int hi = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
    const int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) return Fail(ErrorCode::kParse, "bad percent escape");
    out += static_cast<char>(hi << 4 | lo);
    i += 2;
  }
  return out;
}

bool IsS3Service(std::string_view service) { return service == "s3"; }

std::string RemoveDotSegments(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> kept;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  if (path.front() == '/') out += '/';
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += kept[i];
  }
  if (path.back() == '/' && !kept.empty()) out += '/';
  return out;
}

std::string CanonicalUri(std::string_view raw_path, std::string_view service) {
  if (raw_path.empty()) return "/";
  if (IsS3Service(service)) return std::string(raw_path);
  // A relative path ("a/..") can normalise to nothing; the canonical URI is never empty.
  const std::string normalised = RemoveDotSegments(raw_path);
  return normalised.empty() ? "/" : UriEncode(normalised, /*keep_slash=*/true);
}

Result<std::string> CanonicalQuery(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start <= raw_query.size()) {
    size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    std::string_view piece = raw_query.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    std::string_view key = piece.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    auto k = PercentDecode(key);
    auto v = PercentDecode(value);
    if (!k || !v) return Fail(ErrorCode::kParse, "query: bad percent escape");
    pairs.emplace_back(UriEncode(*k, false), UriEncode(*v, false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::string TrimAll(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (IsSpaceForTrim(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

bool IsHeaderNameToken(std::string_view name) {
  if (name.empty()) return false;
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && kSpecials.find(ch) == std::string_view::npos) return false;
  }
  return true;
}

std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string AmzDate(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400;
  int64_t secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  const Civil c = CivilFromDays(days);
  std::string out;
  out.reserve(16);
  AppendPadded(out, c.year, 4);
  AppendPadded(out, c.month, 2);
  AppendPadded(out, c.day, 2);
  out += 'T';
  AppendPadded(out, secs / 3600, 2);
  AppendPadded(out, secs / 60 % 60, 2);
  AppendPadded(out, secs % 60, 2);
  out += 'Z';
  return out;
}

std::string DateStamp(int64_t unix_seconds) { return AmzDate(unix_seconds).substr(0, 8); }

Result<int64_t> ParseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') {
    return Fail(ErrorCode::kParse, "date is not YYYYMMDDTHHMMSSZ");
  }
  const int64_t y = Digits(text, 0, 4), mo = Digits(text, 4, 2), d = Digits(text, 6, 2);
  const int64_t h = Digits(text, 9, 2), mi = Digits(text, 11, 2), s = Digits(text, 13, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) {
    return Fail(ErrorCode::kParse, "date is not YYYYMMDDTHHMMSSZ");
  }
  return FromFields(y, mo, d, h, mi, s);
}

Result<int64_t> ParseHttpDate(std::string_view text) {
  if (auto amz = ParseAmzDate(text)) return amz;
  // Optional "Www, " prefix, then "DD Mon YYYY HH:MM:SS GMT".
  std::string_view rest = text;
  if (rest.size() >= 5 && rest[3] == ',' && rest[4] == ' ') rest.remove_prefix(5);
  if (rest.size() != 24 || rest[2] != ' ' || rest[6] != ' ' || rest[11] != ' ' || rest[14] != ':' ||
      rest[17] != ':' || rest.substr(20) != " GMT") {
    return Fail(ErrorCode::kParse, "Date is not an HTTP date");
  }
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t month = 0;
  for (int64_t i = 0; i < 12; ++i) {
    if (rest.substr(3, 3) == kMonths[i]) month = i + 1;
  }
  const int64_t d = Digits(rest, 0, 2), y = Digits(rest, 7, 4);
  const int64_t h = Digits(rest, 12, 2), mi = Digits(rest, 15, 2), s = Digits(rest, 18, 2);
  if (month == 0 || d < 0 || y < 0 || h < 0 || mi < 0 || s < 0) {
    return Fail(ErrorCode::kParse, "Date is not an HTTP date");
  }
  return FromFields(y, month, d, h, mi, s);
}

}  // namespace mtg::sign
