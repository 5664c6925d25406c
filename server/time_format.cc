#include "time_format.h"

#include <cstdio>
#include <ctime>

#include "meta/iso8601.h"

namespace mtg::server {

namespace {


struct tm UtcTm(int64_t seconds) {
  time_t t = static_cast<time_t>(seconds);
  struct tm out {};
  gmtime_r(&t, &out);
  return out;
}

}  // namespace

std::string IsoMillis(int64_t unix_ms) {
  int64_t seconds = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
  int ms = static_cast<int>(unix_ms - seconds * 1000);
  struct tm t = UtcTm(seconds);
  char buf[96];  // room for any int the format could print, so -O3 sees no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900, t.tm_mon + 1,
                t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ms);
  return buf;
}

std::string HttpDate(int64_t unix_seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm t = UtcTm(unix_seconds);
  char buf[96];  // room for any int the format could print, so -O3 sees no truncation
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[t.tm_wday], t.tm_mday,
                kMonths[t.tm_mon], t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
  return buf;
}

std::optional<int64_t> ParseIsoMillis(std::string_view text) {
  int y, mo, d, h, mi, s;
  char tail[32] = {0};
  std::string copy(text.substr(0, 64));
  int n = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%31s", &y, &mo, &d, &h, &mi, &s, tail);
  if (n < 6 || copy.size() < 19 || copy[4] != '-' || copy[7] != '-' || copy[10] != 'T') return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || h < 0 || mi < 0 || s < 0)
    return std::nullopt;
  int ms = 0;
  std::string_view rest = n == 7 ? std::string_view(tail) : std::string_view();
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    int digits = 0;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      if (digits < 3) ms = ms * 10 + (rest[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return std::nullopt;
    for (int k = digits; k < 3; ++k) ms *= 10;
    rest.remove_prefix(i);
  }
  if (rest != "Z" && rest != "+00:00") return std::nullopt;  // a date without a zone is refused
  int64_t days = meta::DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60000LL + s * 1000LL + ms;
}

}  // namespace mtg::server
