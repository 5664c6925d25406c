// Dates as mt-aws-glacier writes and reads them: the compact "YYYYMMDDTHHMMSSZ" form inside
// archive descriptions, and the lenient parser (DateTime.pm's iso8601_to_epoch) that also
// accepts the "2012-08-23T19:08:30Z" / "2013-11-06T02:51:30.123Z" forms of inventories and jobs.
// All arithmetic is proleptic Gregorian on int64, so it never depends on time_t or timegm.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mtg::meta {

// The range mt-aws-glacier allows for file modification times: years 1000 to 9999.
inline constexpr int64_t kMinMetaTime = -30610224000;   // 1000-01-01T00:00:00Z
inline constexpr int64_t kMaxMetaTime = 253402300799;   // 9999-12-31T23:59:59Z

inline constexpr bool IsMetaTimeInRange(int64_t t) { return t >= kMinMetaTime && t <= kMaxMetaTime; }

// Days since 1970-01-01 for a proleptic Gregorian date (month 1-12); any int64-safe year.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// strftime("%Y%m%dT%H%M%SZ", gmtime(t)) for any int64, with glibc's %Y (plain decimal year,
// no padding, '-' for years before 1). For years 1000-9999 that is always 4 digits.
std::string EpochToIso8601(int64_t t);

// "YYYY-MM-DDTHH:MM:SSZ" (the inventory / job date form), same year rules.
std::string EpochToIso8601Extended(int64_t t);

// mt-aws-glacier's iso8601_to_epoch: matches (case-insensitively, ASCII only)
//   ^\s*(\d{4})[-\s]*(\d{2})[-\s]*(\d{2})\s*T\s*(\d{2})[:\s]*(\d{2})[:\s]*(\d{2})[,.\d]{0,10}\s*Z\s*$
// then requires year >= 1000, turns second 60/61 into 59 plus 1/2 (leap seconds), and rejects
// what Time::Local::timegm rejects: month outside 1-12, day outside the month (leap years
// included, so Feb 30 fails), hour > 23, minute > 59, second > 59. nullopt on any failure.
std::optional<int64_t> Iso8601ToEpoch(std::string_view text);

}  // namespace mtg::meta
