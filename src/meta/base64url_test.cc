#include "meta/base64url.h"

#include <gtest/gtest.h>

#include <string>

namespace mtg::meta {
namespace {

struct Fixture {
  const char* plain;
  const char* encoded;
};

// t/integration/metadata.t base64url fixtures (UTF-8 bytes in, base64url out).
constexpr Fixture kFixtures[] = {
    {R"({"c":"d","a":"b"})", "eyJjIjoiZCIsImEiOiJiIn0"},
    {R"({"c":"d"\n,"a":"b"})", "eyJjIjoiZCJcbiwiYSI6ImIifQ"},
    {R"({"c":"d",\t"a":"b"})", "eyJjIjoiZCIsXHQiYSI6ImIifQ"},
    {"andnd+asdasdf", "YW5kbmQrYXNkYXNkZg"},
    {"andnd/asdasdf", "YW5kbmQvYXNkYXNkZg"},
    {"andndasdasdf=", "YW5kbmRhc2Rhc2RmPQ"},
    {"тест", "0YLQtdGB0YI"},
    {"тест test", "0YLQtdGB0YIgdGVzdA"},
    {"тест=test", "0YLQtdGB0YI9dGVzdA"},
};

TEST(Base64UrlTest, Fixtures) {
  for (const Fixture& f : kFixtures) {
    EXPECT_EQ(Base64UrlEncode(f.plain), f.encoded) << f.plain;
    EXPECT_EQ(Base64UrlDecode(f.encoded), f.plain) << f.encoded;
  }
}

TEST(Base64UrlTest, UsesDashAndUnderscore) {
  for (const char* text : {"aaa_", "bbb-", "aa_-", "bb-_"}) {
    EXPECT_EQ(Base64UrlEncode(Base64UrlDecode(text)), text);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(Base64UrlTest, NoPaddingNoLineBreaks) {
  for (const char* text : {"a", "bb", "ccc", "dddd", "eeeee", "ffffff"}) {
    const std::string encoded = Base64UrlEncode(text);
    EXPECT_EQ(encoded.find('='), std::string::npos);
    EXPECT_EQ(Base64UrlDecode(encoded), text);
    // Existing padding is tolerated.
    EXPECT_EQ(Base64UrlDecode(encoded + "="), text);
    EXPECT_EQ(Base64UrlDecode(encoded + "=="), text);
  }
  const std::string long_one = Base64UrlEncode(std::string(1024, 'x'));
  EXPECT_EQ(long_one.find_first_of("\r\n+/="), std::string::npos);
  EXPECT_EQ(long_one.size(), 1366u);
}

TEST(Base64UrlTest, LenientLikeMimeBase64) {
  EXPECT_EQ(Base64UrlDecode("!!!!"), "");                 // everything skipped
  EXPECT_EQ(Base64UrlDecode("YW!!5k"), "and");            // padding counts the skipped characters
  EXPECT_EQ(Base64UrlDecode("Y W\t5\nk"), "and");
  EXPECT_EQ(Base64UrlDecode("YQ==YQ=="), "a");            // stops at the first padded group
  EXPECT_EQ(Base64UrlDecode("YWJjZ"), "abc");             // a lone final character is dropped
  EXPECT_EQ(Base64UrlDecode("=YWJj"), "");                // premature padding ends decoding
  EXPECT_EQ(Base64UrlDecode("z+z"), Base64UrlDecode("z-z"));
  EXPECT_EQ(Base64UrlDecode("z/z"), Base64UrlDecode("z_z"));
  EXPECT_EQ(Base64UrlDecode(""), "");
  EXPECT_EQ(Base64UrlDecode("Y"), "");
}

TEST(Base64UrlTest, AllBytesRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 7) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(all.substr(0, n))), all.substr(0, n));
  }
}

}  // namespace
}  // namespace mtg::meta
