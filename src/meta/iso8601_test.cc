#include "meta/iso8601.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdio>
#include <limits>
#include <string>

#include "base/hex.h"

namespace mtg::meta {
namespace {

struct Vector {
  const char* text;
  int64_t epoch;
};

// §6.3 and t/integration/datetime.t / metadata.t.
constexpr Vector kCanonical[] = {
    {"20121225T100000Z", 1356429600},  {"20130101T000000Z", 1356998400},
    {"20120229T000000Z", 1330473600},  {"20130228T000000Z", 1362009600},
    {"20130228T235959Z", 1362095999},  {"20120630T235959Z", 1341100799},
    {"20120701T000000Z", 1341100800},  {"20081231T235959Z", 1230767999},
    {"20090101T000000Z", 1230768000},  {"19070809T082454Z", -1969112106},
    {"19070809T084134Z", -1969111106}, {"19700101T000000Z", 0},
    {"16800101T000000Z", -9151488000}, {"22600101T000000Z", 9151488000},
    {"40000201T000000Z", 64063267200}, {"19691231T235950Z", -10},
    {"20140114T003509Z", 1389659709},  {"20371231T235959Z", 2145916799},
    {"20380101T000000Z", 2145916800},  {"19011231T235959Z", -2145916801},
    {"19020101T000000Z", -2145916800}, {"10000101T000000Z", -30610224000},
    {"99991231T235959Z", 253402300799}, {"20121114T201618Z", 1352924178},
};

TEST(Iso8601Test, CanonicalBothWays) {
  for (const Vector& v : kCanonical) {
    EXPECT_EQ(Iso8601ToEpoch(v.text), v.epoch) << v.text;
    EXPECT_EQ(EpochToIso8601(v.epoch), v.text) << v.epoch;
  }
}

TEST(Iso8601Test, LenientForms) {
  constexpr Vector kLenient[] = {
      {"20130101t000000Z", 1356998400},
      {"20120229 T 000000Z", 1330473600},
      {"2013-02-28T00:00:00Z", 1362009600},
      {"20130228 t 235959z", 1362095999},
      {"20120630T23:59:59  Z", 1341100799},
      {"  20120701 T 000000 Z", 1341100800},
      {"2008 12 31 T 23 59 59Z", 1230767999},
      {"2009 01-01T 00:00 00 z", 1230768000},
      {"2009 01-01T 00:00 00.123 z", 1230768000},
      {"2009 01-01T 00:00 00,1234 z", 1230768000},
      {"1998-12-31T23:59:60Z", 915148800},  // leap second
      {"1999-01-01T00:00:00Z", 915148800},
      {"1998-12-31T23:59:59Z", 915148799},
      {"1998-12-31T23:59:61Z", 915148801},
      {"2012-08-23T19:08:30Z", 1345748910},  // inventory CreationDate
      {"2013-11-06T02:51:30.123Z", 1383706290},
      {"2013-11-06T02:51:30.123456789Z", 1383706290},  // ten fraction characters
      {"20121225T1000001234Z", 1356429600},  // the fraction class takes bare digits too
      {"\t\v\f\r\n20121225T100000Z\n", 1356429600},
      {"2012--12--25T10::00::00Z", 1356429600},
      {"2012- -12 - 25T10: :00 :00Z", 1356429600},
  };
  for (const Vector& v : kLenient) EXPECT_EQ(Iso8601ToEpoch(v.text), v.epoch) << v.text;
}

TEST(Iso8601Test, Rejects) {
  for (const char* text : {
           "20141301T000000Z", "20140132T000000Z", "20140101T240000Z", "20140101T006000Z",
           "20140101T000063Z", "20140101T000062Z", "20121515T100000Z", "20081515T222324Z",
           "20081302T222324Z", "1234", "", "zzz", "09990101T000000Z", "00000101T000000Z",
           "20140001T000000Z", "20140100T000000Z", "20140230T000000Z", "20130229T000000Z",
           "21000229T000000Z", "20140431T000000Z",
           "2013-11-06T02:51:30.1234567890Z",  // eleven fraction characters
           "20121225T100000", "20121225 100000Z", "20121225T100000ZZ", "20121225T100000Z x",
           "x20121225T100000Z", "2012122T100000Z", "201212250T100000Z", "20121225T10000Z",
           "+20121225T100000Z", "20121225T10-00-00Z", "2012:12:25T100000Z",
           "20121225T100000.Z.",
           "\xd9\xa2\xd9\xa0\xd9\xa1\xd9\xa2" "1225T100000Z",  // Arabic-Indic digits are not \d here
           "20121225\xc2\xa0T100000Z",                          // nor is NBSP \s
       }) {
    EXPECT_FALSE(Iso8601ToEpoch(text)) << text;
  }
  EXPECT_FALSE(Iso8601ToEpoch(std::string_view("20121225T100000Z\0", 17)));
}

TEST(Iso8601Test, ValidFieldRanges) {
  char buf[32];
  for (int m = 1; m <= 12; ++m) {
    std::snprintf(buf, sizeof buf, "2014%02d01T000000Z", m);
    EXPECT_TRUE(Iso8601ToEpoch(buf)) << buf;
  }
  for (int d : {1, 2, 30, 31}) {
    std::snprintf(buf, sizeof buf, "201401%02dT000000Z", d);
    EXPECT_TRUE(Iso8601ToEpoch(buf)) << buf;
  }
  for (int v : {0, 1, 22, 23}) {
    std::snprintf(buf, sizeof buf, "20140101T%02d0000Z", v);
    EXPECT_TRUE(Iso8601ToEpoch(buf)) << buf;
  }
  for (int v : {0, 1, 58, 59}) {
    std::snprintf(buf, sizeof buf, "20140101T00%02d00Z", v);
    EXPECT_TRUE(Iso8601ToEpoch(buf)) << buf;
    std::snprintf(buf, sizeof buf, "20140101T0000%02dZ", v);
    EXPECT_TRUE(Iso8601ToEpoch(buf)) << buf;
  }
  EXPECT_TRUE(Iso8601ToEpoch("20000229T000000Z"));
  EXPECT_TRUE(Iso8601ToEpoch("20120229T000000Z"));
}

TEST(Iso8601Test, MetaTimeRange) {
  EXPECT_TRUE(IsMetaTimeInRange(kMaxMetaTime));
  EXPECT_FALSE(IsMetaTimeInRange(kMaxMetaTime + 1));
  EXPECT_TRUE(IsMetaTimeInRange(kMinMetaTime));
  EXPECT_FALSE(IsMetaTimeInRange(kMinMetaTime - 1));
}

TEST(Iso8601Test, FormatsAnyInt64LikeGlibc) {
  EXPECT_EQ(EpochToIso8601(kMinMetaTime - 1), "9991231T235959Z");
  EXPECT_EQ(EpochToIso8601(-62167219200), "00101T000000Z");
  EXPECT_EQ(EpochToIso8601(-62167219201), "-11231T235959Z");
  EXPECT_EQ(EpochToIso8601(kMaxMetaTime + 1), "100000101T000000Z");
  EXPECT_EQ(EpochToIso8601(-100000000000000), "-31669040224T141320Z");
  // The extremes must not overflow (asan/ubsan would notice); the text only has to be sane.
  EXPECT_EQ(EpochToIso8601(std::numeric_limits<int64_t>::max()).back(), 'Z');
  EXPECT_EQ(EpochToIso8601(std::numeric_limits<int64_t>::min()).back(), 'Z');
}

TEST(Iso8601Test, ExtendedForm) {
  EXPECT_EQ(EpochToIso8601Extended(1345748910), "2012-08-23T19:08:30Z");
  EXPECT_EQ(EpochToIso8601Extended(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Iso8601ToEpoch(EpochToIso8601Extended(-9151488000)), -9151488000);
}

TEST(Iso8601Test, DaysFromCivil) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
}

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

// datetime.t's consistency check: every listed date parses, formats back to the same text,
// and the comma-joined epochs hash to the value hard-coded in the original test.
TEST(Iso8601Test, OriginalCalendarChecksum) {
  std::vector<int> years;
  const auto range = [&](int from, int to) {
    for (int y = from; y <= to; ++y) years.push_back(y);
  };
  range(1000, 1100);
  range(1800, 1850);
  range(1890, 1910);
  range(1970, 2040);
  range(2090, 2106);
  for (int c = 25; c <= 99; ++c) {
    for (int d = -2; d <= 2; ++d) years.push_back(c * 100 + d);
  }
  range(9901, 9999);

  std::string joined;
  size_t count = 0;
  for (int year : years) {
    const bool leap = year % 100 == 0 ? year % 400 == 0 : year % 4 == 0;
    for (int month : {1, 2, 3, 12}) {
      std::vector<int> days = {1, 2, 28};
      if (month == 2 && leap) days.push_back(29);
      if (month == 12 || month == 1) {
        days.push_back(30);
        days.push_back(31);
      }
      for (int day : days) {
        for (const char* time : {"000000", "235959"}) {
          char text[32];
          std::snprintf(text, sizeof text, "%04d%02d%02dT%sZ", year, month, day, time);
          const auto epoch = Iso8601ToEpoch(text);
          ASSERT_TRUE(epoch) << text;
          ASSERT_EQ(EpochToIso8601(*epoch), text);
          if (count++ > 0) joined += ',';
          joined += std::to_string(*epoch);
        }
      }
    }
  }
  EXPECT_EQ(Sha256Hex(joined), "49c852f65d2d9ceeccdc02f64214f1a2d249d00337bf669288c34a603ff7acbf");
}

}  // namespace
}  // namespace mtg::meta
