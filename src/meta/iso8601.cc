#include "meta/iso8601.h"

#include <cstdio>

namespace mtg::meta {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

struct CivilDate {
  int64_t year;
  unsigned month;
  unsigned day;
};

// Inverse of DaysFromCivil (Howard Hinnant's algorithm, shifted so years start in March).
CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<uint64_t>(days - era * 146097);
  const uint64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const uint64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const uint64_t shifted_month = (5 * day_of_year + 2) / 153;
  const auto day = static_cast<unsigned>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const auto month = static_cast<unsigned>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  const int64_t year = static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned DaysInMonth(int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

struct Broken {
  CivilDate date;
  unsigned hour, minute, second;
};

Broken BreakDown(int64_t t) {
  // Split without overflow even for INT64_MIN: remainder first, then adjust the quotient.
  int64_t days = t / kSecondsPerDay;
  int64_t seconds = t % kSecondsPerDay;
  if (seconds < 0) {
    seconds += kSecondsPerDay;
    --days;
  }
  const auto s = static_cast<unsigned>(seconds);
  return {CivilFromDays(days), s / 3600, s / 60 % 60, s % 60};
}

std::string Format(int64_t t, bool extended) {
  const Broken b = BreakDown(t);
  char buffer[64];
  const auto year = static_cast<long long>(b.date.year);
  const int n = extended ? std::snprintf(buffer, sizeof buffer, "%lld-%02u-%02uT%02u:%02u:%02uZ", year,
                                         b.date.month, b.date.day, b.hour, b.minute, b.second)
                         : std::snprintf(buffer, sizeof buffer, "%lld%02u%02uT%02u%02u%02uZ", year,
                                         b.date.month, b.date.day, b.hour, b.minute, b.second);
  return std::string(buffer, static_cast<size_t>(n));
}

// Perl's \s on a downgraded (byte) string: the ASCII white space set, vertical tab included.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  // Skips characters for which `accept` holds (a `[...]*` in the pattern).
  template <typename Pred>
  void SkipWhile(Pred accept) {
    while (pos_ < text_.size() && accept(text_[pos_])) ++pos_;
  }

  // Reads exactly `count` digits (a `(\d{count})`).
  bool Digits(size_t count, unsigned& value) {
    if (text_.size() - pos_ < count) return false;
    value = 0;
    for (size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (!IsDigit(c)) return false;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    pos_ += count;
    return true;
  }

  // Reads one letter, either case.
  bool Letter(char upper) {
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c != upper && c != static_cast<char>(upper - 'A' + 'a')) return false;
    ++pos_;
    return true;
  }

  // Skips a run of characters accepted by `accept`, failing if it is longer than `max`.
  template <typename Pred>
  bool SkipAtMost(size_t max, Pred accept) {
    size_t n = 0;
    while (pos_ < text_.size() && accept(text_[pos_])) {
      ++pos_;
      ++n;
    }
    return n <= max;
  }

  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<uint64_t>(year - era * 400);
  const uint64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const uint64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

std::string EpochToIso8601(int64_t t) { return Format(t, false); }

std::string EpochToIso8601Extended(int64_t t) { return Format(t, true); }

std::optional<int64_t> Iso8601ToEpoch(std::string_view text) {
  // Every element of the pattern is either fixed-width digits or a class disjoint from what
  // follows it, so a single left-to-right scan decides the match exactly as the regex does.
  const auto dash_or_space = [](char c) { return c == '-' || IsSpace(c); };
  const auto colon_or_space = [](char c) { return c == ':' || IsSpace(c); };
  const auto fraction = [](char c) { return c == ',' || c == '.' || IsDigit(c); };

  Scanner s(text);
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  s.SkipWhile(IsSpace);
  if (!s.Digits(4, year)) return std::nullopt;
  s.SkipWhile(dash_or_space);
  if (!s.Digits(2, month)) return std::nullopt;
  s.SkipWhile(dash_or_space);
  if (!s.Digits(2, day)) return std::nullopt;
  s.SkipWhile(IsSpace);
  if (!s.Letter('T')) return std::nullopt;
  s.SkipWhile(IsSpace);
  if (!s.Digits(2, hour)) return std::nullopt;
  s.SkipWhile(colon_or_space);
  if (!s.Digits(2, minute)) return std::nullopt;
  s.SkipWhile(colon_or_space);
  if (!s.Digits(2, second)) return std::nullopt;
  if (!s.SkipAtMost(10, fraction)) return std::nullopt;
  s.SkipWhile(IsSpace);
  if (!s.Letter('Z')) return std::nullopt;
  s.SkipWhile(IsSpace);
  if (!s.AtEnd()) return std::nullopt;

  if (year < 1000) return std::nullopt;
  unsigned leap = 0;
  if (second == 60 || second == 61) {
    leap = second - 59;
    second = 59;
  }
  if (month < 1 || month > 12) return std::nullopt;
  if (day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 + second + leap;
}

}  // namespace mtg::meta
