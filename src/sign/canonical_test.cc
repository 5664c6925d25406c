#include "sign/canonical.h"

#include <gtest/gtest.h>

namespace mtg::sign {
namespace {

TEST(UriEncode, KeepsOnlyUnreservedAndOptionallySlash) {
  EXPECT_EQ(UriEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a b+c/d", false), "a%20b%2Bc%2Fd");
  EXPECT_EQ(UriEncode("a b+c/d", true), "a%20b%2Bc/d");
  EXPECT_EQ(UriEncode("%20", true), "%2520");
  EXPECT_EQ(UriEncode("caf\xC3\xA9", false), "caf%C3%A9");
  EXPECT_EQ(UriEncode(std::string_view("\0\xff", 2), false), "%00%FF");
  EXPECT_EQ(UriEncode("", false), "");
}

TEST(PercentDecode, DecodesEitherCaseAndRejectsBadEscapes) {
  EXPECT_EQ(*PercentDecode("a%2fb%2F%20+"), "a/b/ +");
  EXPECT_EQ(*PercentDecode(""), "");
  EXPECT_FALSE(PercentDecode("%").has_value());
  EXPECT_FALSE(PercentDecode("%2").has_value());
  EXPECT_FALSE(PercentDecode("%zz").has_value());
  EXPECT_FALSE(PercentDecode("abc%4").has_value());
  EXPECT_EQ(PercentDecode("%G0").error().code, ErrorCode::kParse);
}

TEST(RemoveDotSegments, FollowsBotocore) {
  EXPECT_EQ(RemoveDotSegments(""), "/");
  EXPECT_EQ(RemoveDotSegments("/"), "/");
  EXPECT_EQ(RemoveDotSegments("//"), "/");
  EXPECT_EQ(RemoveDotSegments("/a//b/"), "/a/b/");
  EXPECT_EQ(RemoveDotSegments("/a/./b/../c"), "/a/c");
  EXPECT_EQ(RemoveDotSegments("/../../a"), "/a");
  EXPECT_EQ(RemoveDotSegments("/a/.."), "/");
  EXPECT_EQ(RemoveDotSegments("/a/../"), "/");
  EXPECT_EQ(RemoveDotSegments("a/b"), "a/b");
  EXPECT_EQ(RemoveDotSegments("/-/vaults/v1"), "/-/vaults/v1");
}

TEST(CanonicalUri, GlacierEncodesAgainS3KeepsPath) {
  EXPECT_EQ(CanonicalUri("/-/vaults/my%20vault%2B1", "glacier"), "/-/vaults/my%2520vault%252B1");
  EXPECT_EQ(CanonicalUri("/-/vaults//v1/./x", "glacier"), "/-/vaults/v1/x");
  EXPECT_EQ(CanonicalUri("", "glacier"), "/");
  EXPECT_EQ(CanonicalUri("a/..", "glacier"), "/");  // found by sigv4_fuzz
  const std::string s3 = "/glacier-bucket/photos/2024%20trip/caf%C3%A9%2Bcr%C3%A8me%20%281%29~%2A.jpg";
  EXPECT_EQ(CanonicalUri(s3, "s3"), s3);
  EXPECT_EQ(CanonicalUri("/b//k/../x", "s3"), "/b//k/../x");
  EXPECT_EQ(CanonicalUri("", "s3"), "/");
}

TEST(CanonicalQuery, SortsByKeyThenValueAndReencodes) {
  EXPECT_EQ(*CanonicalQuery(""), "");
  EXPECT_EQ(*CanonicalQuery("uploads"), "uploads=");
  EXPECT_EQ(*CanonicalQuery("restore"), "restore=");
  EXPECT_EQ(*CanonicalQuery("completed=true&statuscode=Succeeded&limit=50&marker=x"),
            "completed=true&limit=50&marker=x&statuscode=Succeeded");
  EXPECT_EQ(*CanonicalQuery("a=2&a=1&a="), "a=&a=1&a=2");
  // Pairs sort by key first: "a" before "a-b" although "a-b=" < "a=" as strings.
  EXPECT_EQ(*CanonicalQuery("a-b=1&a=1"), "a=1&a-b=1");
  // Strictly encoded input is unchanged; loose input is re-encoded.
  EXPECT_EQ(*CanonicalQuery("marker=abc%2Fdef%2B%3D&x=%7E"), "marker=abc%2Fdef%2B%3D&x=~");
  EXPECT_EQ(*CanonicalQuery("m=a/b:c d"), "m=a%2Fb%3Ac%20d");
  EXPECT_EQ(*CanonicalQuery("m=%2f"), "m=%2F");
  EXPECT_EQ(*CanonicalQuery("k=a+b"), "k=a%2Bb");
  EXPECT_EQ(*CanonicalQuery("k=a=b"), "k=a%3Db");
  EXPECT_EQ(*CanonicalQuery("a=1&&b=2&"), "a=1&b=2");
  EXPECT_FALSE(CanonicalQuery("a=%zz").has_value());
  EXPECT_FALSE(CanonicalQuery("a%=1").has_value());
}

TEST(TrimAll, CollapsesWhitespace) {
  EXPECT_EQ(TrimAll("  multipart  upload   test 2024 "), "multipart upload test 2024");
  EXPECT_EQ(TrimAll("\ta\r\n b\t"), "a b");
  EXPECT_EQ(TrimAll("   "), "");
  EXPECT_EQ(TrimAll(""), "");
  EXPECT_EQ(TrimAll("x"), "x");
}

TEST(HeaderName, TokenCharacters) {
  EXPECT_TRUE(IsHeaderNameToken("X-Amz-Date"));
  EXPECT_TRUE(IsHeaderNameToken("x_y.z~!#$%&'*+^`|"));
  EXPECT_FALSE(IsHeaderNameToken(""));
  EXPECT_FALSE(IsHeaderNameToken("a b"));
  EXPECT_FALSE(IsHeaderNameToken("a:b"));
  EXPECT_FALSE(IsHeaderNameToken("a\n"));
  EXPECT_EQ(ToLowerAscii("X-Amz-Content-SHA256"), "x-amz-content-sha256");
}

TEST(AmzDate, FormatsUtc) {
  EXPECT_EQ(AmzDate(0), "19700101T000000Z");
  EXPECT_EQ(AmzDate(1337905493), "20120525T002453Z");
  EXPECT_EQ(AmzDate(1709164800), "20240229T000000Z");
  EXPECT_EQ(AmzDate(1795737599), "20261126T235959Z");
  EXPECT_EQ(AmzDate(-1), "19691231T235959Z");
  EXPECT_EQ(DateStamp(1795737599), "20261126");
}

TEST(ParseAmzDate, RoundTripsAndRejects) {
  for (int64_t t : {int64_t{0}, int64_t{1337905493}, int64_t{1709164800}, int64_t{1795737599},
                    int64_t{253402300799}}) {
    EXPECT_EQ(*ParseAmzDate(AmzDate(t)), t) << t;
  }
  EXPECT_FALSE(ParseAmzDate("20230229T000000Z").has_value());
  EXPECT_FALSE(ParseAmzDate("20240230T000000Z").has_value());
  EXPECT_FALSE(ParseAmzDate("20241301T000000Z").has_value());
  EXPECT_FALSE(ParseAmzDate("20240101T240000Z").has_value());
  EXPECT_FALSE(ParseAmzDate("20240101T006000Z").has_value());
  EXPECT_FALSE(ParseAmzDate("20240101T000060Z").has_value());
  EXPECT_FALSE(ParseAmzDate("20240101T000000").has_value());
  EXPECT_FALSE(ParseAmzDate("2024-01-01T00:00:00Z").has_value());
  EXPECT_FALSE(ParseAmzDate("2024010 T000000Z").has_value());
  EXPECT_FALSE(ParseAmzDate("+0240101T000000Z").has_value());
  EXPECT_FALSE(ParseAmzDate("").has_value());
}

TEST(ParseHttpDate, ImfFixdateAndAmzForm) {
  EXPECT_EQ(*ParseHttpDate("Fri, 25 May 2012 00:24:53 GMT"), 1337905493);
  EXPECT_EQ(*ParseHttpDate("25 May 2012 00:24:53 GMT"), 1337905493);
  EXPECT_EQ(*ParseHttpDate("20120525T002453Z"), 1337905493);
  EXPECT_FALSE(ParseHttpDate("Fri, 25 Mai 2012 00:24:53 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Fri, 25 May 2012 00:24:53 UTC").has_value());
  EXPECT_FALSE(ParseHttpDate("Fri, 31 Apr 2012 00:24:53 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Fri, 25 May 2012 00:24:53").has_value());
  EXPECT_FALSE(ParseHttpDate("").has_value());
}

}  // namespace
}  // namespace mtg::sign
