#include "meta/description.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <fstream>
#include <string>
#include <vector>

#include "meta/base64url.h"
#include "meta/iso8601.h"

namespace mtg::meta {
namespace {

struct Vector {
  const char* filename;
  int64_t mtime;
  const char* description;
};

// §6.1 / t/integration/metadata.t (all written with filename first).
constexpr Vector kVectors[] = {
    {"file", 1352924178, "mt2 eyJmaWxlbmFtZSI6ImZpbGUiLCJtdGltZSI6IjIwMTIxMTE0VDIwMTYxOFoifQ"},
    {"file/a", 1351924178, "mt2 eyJmaWxlbmFtZSI6ImZpbGUvYSIsIm10aW1lIjoiMjAxMjExMDNUMDYyOTM4WiJ9"},
    {"file/a/b/c/d", 1352124178,
     "mt2 eyJmaWxlbmFtZSI6ImZpbGUvYS9iL2MvZCIsIm10aW1lIjoiMjAxMjExMDVUMTQwMjU4WiJ9"},
    {"директория/a/b/c/d", 1352124178,
     "mt2 eyJmaWxlbmFtZSI6ItC00LjRgNC10LrRgtC-0YDQuNGPL2EvYi9jL2QiLCJtdGltZSI6IjIwMTIxMTA1VDE0MDI1OFoifQ"},
    {"директория/файл", 1352124178,
     "mt2 eyJmaWxlbmFtZSI6ItC00LjRgNC10LrRgtC-0YDQuNGPL9GE0LDQudC7IiwibXRpbWUiOiIyMDEyMTEwNVQxNDAyNThaIn0"},
    {"\xC2\xB5", 1234, "mt2 eyJmaWxlbmFtZSI6IsK1IiwibXRpbWUiOiIxOTcwMDEwMVQwMDIwMzRaIn0"},  // U+00B5
    {"\xC3\x9F", 1234, "mt2 eyJmaWxlbmFtZSI6IsOfIiwibXRpbWUiOiIxOTcwMDEwMVQwMDIwMzRaIn0"},  // U+00DF
};

std::string Mt2(std::string_view json) { return "mt2 " + Base64UrlEncode(json); }

TEST(DescriptionTest, EncodesOriginalVectors) {
  for (const Vector& v : kVectors) {
    auto encoded = EncodeDescription(v.filename, v.mtime);
    ASSERT_TRUE(encoded) << encoded.error().message;
    EXPECT_EQ(*encoded, v.description);
  }
}

TEST(DescriptionTest, DecodesOriginalVectors) {
  for (const Vector& v : kVectors) {
    auto decoded = DecodeDescription(v.description);
    ASSERT_TRUE(decoded) << v.description << ": " << decoded.error().reason;
    EXPECT_EQ(decoded->filename, v.filename);
    EXPECT_EQ(decoded->mtime, v.mtime);
    EXPECT_EQ(decoded->format, DescriptionFormat::kMt2);
  }
}

TEST(DescriptionTest, DecodesBothKeyOrdersAndExtraKeys) {
  auto first = DecodeDescription(Mt2(R"({"filename":"a b","mtime":"20121114T201618Z"})"));
  auto second = DecodeDescription(Mt2(R"({"mtime":"20121114T201618Z","filename":"a b"})"));
  auto extra = DecodeDescription(
      Mt2(R"( {"x":1,"mtime":"20121114T201618Z","y":null,"filename":"a b","z":true} )"));
  for (const auto* d : {&first, &second, &extra}) {
    ASSERT_TRUE(*d);
    EXPECT_EQ((*d)->filename, "a b");
    EXPECT_EQ((*d)->mtime, 1352924178);
  }
  // A real mtime-first description from compat set-a.
  auto real = DecodeDescription(
      "mt2 eyJtdGltZSI6IjIwMjEwMjE0VDE0MTQxNFoiLCJmaWxlbmFtZSI6Ii1sZWFkaW5nLWRhc2gudHh0In0");
  ASSERT_TRUE(real);
  EXPECT_EQ(real->filename, "-leading-dash.txt");
  EXPECT_EQ(real->mtime, 1613312054);
  // Duplicate keys: the last one wins, as in a Perl hash.
  auto dup = DecodeDescription(
      Mt2(R"({"filename":"a","mtime":"20121114T201618Z","filename":"b"})"));
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->filename, "b");
}

TEST(DescriptionTest, DecodesMt1DoubleEncoding) {
  auto decoded = DecodeDescription("mt1 eyJmaWxlbmFtZSI6IsOQwq9Bw5DCryIsIm10aW1lIjoiMTk3MDAxMDFUMDAwMjAzWiJ9");
  ASSERT_TRUE(decoded) << decoded.error().reason;
  EXPECT_EQ(decoded->filename, "ЯAЯ");
  EXPECT_EQ(decoded->mtime, 123);
  EXPECT_EQ(decoded->format, DescriptionFormat::kMt1);
  // Plain ASCII mt1 is the same as mt2.
  auto ascii = DecodeDescription("mt1 " + Base64UrlEncode(R"({"filename":"f","mtime":"19700101T000203Z"})"));
  ASSERT_TRUE(ascii);
  EXPECT_EQ(ascii->filename, "f");
  // Not decodable as UTF-8, or decoding to a character above U+00FF: foreign.
  EXPECT_FALSE(DecodeDescription("mt1 " + Base64UrlEncode("{\"filename\":\"\xD0\xAF\",\"mtime\":\"19700101T000203Z\"}")));
  EXPECT_FALSE(DecodeDescription("mt1 " + Base64UrlEncode("{\"filename\":\"\xC3\",\"mtime\":\"19700101T000203Z\"}")));
  // mt1 of a single-encoded name: the once-decoded bytes are not valid JSON UTF-8.
  EXPECT_FALSE(DecodeDescription("mt1 " + Base64UrlEncode("{\"filename\":\"\xC3\xA9\",\"mtime\":\"19700101T000203Z\"}")));
}

TEST(DescriptionTest, SplitsLikeAwk) {
  const std::string payload = Base64UrlEncode(R"({ "filename": "a", "mtime": "20080102T222324Z"})");
  for (const std::string& d : {
           "mt2   " + payload, "mt2\t\t" + payload, " \tmt2\t\t " + payload, "mt2 " + payload + " extra",
           "mt2 " + payload + "\n", "mt2\xC2\xA0" + payload, "mt2\xE3\x80\x80" + payload,
           "mt2 " + payload + "=", "mt2 " + payload + "==",
       }) {
    auto decoded = DecodeDescription(d);
    ASSERT_TRUE(decoded) << d << ": " << decoded.error().reason;
    EXPECT_EQ(decoded->filename, "a");
    EXPECT_EQ(decoded->mtime, 1199312604);
  }
}

TEST(DescriptionTest, ForeignDescriptions) {
  const std::vector<std::string> foreign = {
      "",
      " ",
      "  ",
      "zzz",
      "mt1",
      "mt2",
      "mt1 ",
      "mt2 ",
      "mt2  \t ",
      "textst zz123",
      "mt2 zzz",
      "mt2 !!!!",
      "mt2 z+z",
      "mt3 x",
      "mt3 " + Base64UrlEncode(R"({"filename":"a","mtime":"20080102T222324Z"})"),
      "MT2 " + Base64UrlEncode(R"({"filename":"a","mtime":"20080102T222324Z"})"),
      "mtijob1 eyJ0eXBlIjoiZnVsbCJ9",
      Mt2(R"({ "filename": "a", "mtime": "20081515T222324Z"})"),
      Mt2("ff"),
      Mt2(R"({ "a": 1, "x": 2})"),
      Mt2(R"({ "filename": "f", "x": 2})"),
      Mt2(R"({ "x": 1, "mtime": 2})"),
      Mt2(R"({ "filename": "a", "mtime": "zzz"})"),
      Mt2(R"({ "filename": ")" + std::string(1024, 'x') + R"(", "mtime": 1})"),
      Mt2(R"({ "filename": "f", "mtime": "20081302T222324Z"})"),
      Mt2(R"({ "filename": null, "mtime": "20080102T222324Z"})"),
      Mt2(R"({ "filename": "a", "mtime": null})"),
      Mt2(R"({ "filename": 5, "mtime": "20080102T222324Z"})"),
      Mt2(R"({ "filename": "a", "mtime": 20080102})"),
      Mt2(R"({ "filename": "a", "mtime": "09990102T222324Z"})"),
      Mt2(R"({ "filename": "a", "mtime": "20080230T222324Z"})"),
      Mt2(R"({ "filename": ["a"], "mtime": "20080102T222324Z"})"),
      Mt2(R"({ "filename": {"a":1}, "mtime": "20080102T222324Z"})"),
      Mt2(R"([{ "filename": "a", "mtime": "20080102T222324Z"}])"),
      Mt2(R"("filename")"),
      Mt2(R"({ "filename": "a", "mtime": "20080102T222324Z"} x)"),
      Mt2(R"({ "filename": "a", "mtime": "20080102T222324Z",})"),
      Mt2("{ \"filename\": \"a\tb\", \"mtime\": \"20080102T222324Z\"}"),   // raw TAB
      Mt2("{ \"filename\": \"\xC3\", \"mtime\": \"20080102T222324Z\"}"),    // broken UTF-8
      Mt2("{ \"filename\": \"\xED\xA0\x80\", \"mtime\": \"20080102T222324Z\"}"),  // surrogate
      Mt2(R"({ "filename": "\ud800", "mtime": "20080102T222324Z"})"),
      Mt2(R"({ "filename": "\udc00", "mtime": "20080102T222324Z"})"),
      Mt2(R"({ "filename": "\x", "mtime": "20080102T222324Z"})"),
      "mt2 " + std::string(1025, 'A'),                     // payload over 1024 characters
      "mt2 " + std::string(100000, 'e'),                   // huge
      "mt2 \xD0\xAF" + Base64UrlEncode(R"({"filename":"a","mtime":"20080102T222324Z"})"),  // wide char
      "mt2 \xFF\xFE",                                      // not UTF-8
  };
  for (const std::string& d : foreign) {
    auto decoded = DecodeDescription(d);
    EXPECT_FALSE(decoded) << "should be foreign: " << d.substr(0, 80);
    if (!decoded) {
      EXPECT_FALSE(decoded.error().reason.empty());
    }
  }
}

TEST(DescriptionTest, LenientPayloadCharacters) {
  // Characters outside the base64 alphabet, including U+0080..U+00FF, are skipped, as by
  // MIME::Base64 (and they count towards the padding).
  const std::string payload = Base64UrlEncode(R"({"filename":"abc","mtime":"20080102T222324Z"})");
  ASSERT_EQ(payload.size() % 4, 0u);
  auto decoded = DecodeDescription("mt2 " + payload.substr(0, 8) + "!!!!" + payload.substr(8));
  ASSERT_TRUE(decoded) << decoded.error().reason;
  EXPECT_EQ(decoded->filename, "abc");
  auto latin = DecodeDescription("mt2 " + payload.substr(0, 8) + "\xC2\xA9\xC3\xBF" + payload.substr(8) + "..");
  ASSERT_TRUE(latin) << latin.error().reason;
  EXPECT_EQ(latin->filename, "abc");
}

TEST(DescriptionTest, EncodeLimits) {
  EXPECT_TRUE(EncodeDescription("filename", -1));
  EXPECT_TRUE(EncodeDescription("filename", 0));
  EXPECT_TRUE(EncodeDescription(std::string(700, 'z'), 0));
  std::string ya;
  for (int i = 0; i < 350; ++i) ya += "я";
  EXPECT_TRUE(EncodeDescription(ya, 0));
  auto too_big = EncodeDescription(std::string(1024, 'f'), 0);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(too_big.error().message.find("too big"), std::string::npos);

}

TEST(DescriptionTest, ExactlyAtTheLimit) {
  // {"filename":"<N>","mtime":"<16>"} is 42 + N bytes; 765 bytes give 1020 base64 characters.
  auto at_limit = EncodeDescription(std::string(723, 'n'), 1352924178);
  ASSERT_TRUE(at_limit) << at_limit.error().message;
  EXPECT_EQ(at_limit->size(), kMaxDescriptionSize);
  auto decoded = DecodeDescription(*at_limit);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->filename, std::string(723, 'n'));
  EXPECT_FALSE(EncodeDescription(std::string(724, 'n'), 1352924178));

  // Decoding: a payload of exactly 1024 characters (here 1020 + "====") is accepted, 1025 not.
  const std::string payload = at_limit->substr(4);
  ASSERT_EQ(payload.size(), 1020u);
  EXPECT_TRUE(DecodeDescription("mt2 " + payload + "===="));
  auto over = DecodeDescription("mt2 " + payload + "=====");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().reason, "payload longer than 1024 characters");
}

TEST(DescriptionTest, TimeRangeErrors) {
  EXPECT_TRUE(EncodeDescription("f", kMinMetaTime));
  EXPECT_TRUE(EncodeDescription("f", kMaxMetaTime));
  for (int64_t t : {kMinMetaTime - 1, kMaxMetaTime + 1, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    auto encoded = EncodeDescription("f", t);
    ASSERT_FALSE(encoded);
    EXPECT_EQ(encoded.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(encoded.error().message.find("out of range"), std::string::npos);
    EXPECT_NE(encoded.error().message.find("1000 to 9999"), std::string::npos);
  }
  auto both = EncodeDescription(std::string(2000, 'x'), kMaxMetaTime + 1);
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().message.find("out of range"), std::string::npos);
  auto big = EncodeDescription(std::string(2000, 'x'), 0);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().message.find("out of range"), std::string::npos);
  EXPECT_NE(big.error().message.find("too big"), std::string::npos);
}

TEST(DescriptionTest, LeapSecondOnTheLastDay) {
  // Decodes (the parser allows second 61), but cannot be written back: it is past year 9999.
  auto decoded = DecodeDescription(Mt2(R"({"filename":"x","mtime":"99991231T235961Z"})"));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->mtime, kMaxMetaTime + 2);
  EXPECT_FALSE(EncodeDescription(decoded->filename, decoded->mtime));
}

TEST(DescriptionTest, DecodesJsonEscapesInNames) {
  auto decoded = DecodeDescription(
      Mt2(R"({"filename":"d\u00e9j\u00e0 vu\/\ud83c\udf89","mtime":"20121114T201618Z"})"));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->filename, "déjà vu/🎉");
}

TEST(DescriptionTest, RefusesInvalidUtf8Names) {
  for (const char* name : {"\xff", "a\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80"}) {
    auto encoded = EncodeDescription(name, 0);
    ASSERT_FALSE(encoded);
    EXPECT_NE(encoded.error().message.find("UTF-8"), std::string::npos);
  }
}

TEST(DescriptionTest, EscapesLikeJsonXs) {
  const std::string name = std::string("q\"b\\s\b\t\n\f\r\x01\x1f\x7f/\xC3\xA9") + std::string(1, '\0');
  auto encoded = EncodeDescription(name, 0);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(Base64UrlDecode(encoded->substr(4)),
            "{\"filename\":\"q\\\"b\\\\s\\b\\t\\n\\f\\r\\u0001\\u001f\x7f/\xC3\xA9\\u0000\","
            "\"mtime\":\"19700101T000000Z\"}");
}

TEST(DescriptionTest, RoundTripsAwkwardNames) {
  std::vector<std::string> names = {
      "",
      "plain.txt",
      "dir/sub dir/file with spaces ",
      " leading and trailing ",
      "quote\"inside\"",
      "back\\slash\\\\double",
      "tab\tnew\nline\rcr",
      "del\x7f",
      "\xC3\xA9t\xC3\xA9/na\xC3\xAFve",
      "emoji \xF0\x9F\x98\x80/\xF0\x9F\x8E\x89party\xF0\x9F\x8E\x88.txt",
      "combining e\xCC\x81",
      "\xEF\xBF\xBF nonchar",
      "\xF4\x8F\xBF\xBF max",
      "mt2 eyJ looks like a description",
      "{\"json\":\"inside\"}",
      "-_=+/",
  };
  std::string controls;
  for (int c = 1; c < 0x20; ++c) controls.push_back(static_cast<char>(c));
  names.push_back(controls);
  names.push_back(std::string("nul\0inside", 10));
  for (const std::string& name : names) {
    for (int64_t mtime : {int64_t{0}, int64_t{-1}, int64_t{1352924178}, kMinMetaTime, kMaxMetaTime}) {
      auto encoded = EncodeDescription(name, mtime);
      ASSERT_TRUE(encoded) << name << ": " << encoded.error().message;
      EXPECT_LE(encoded->size(), kMaxDescriptionSize);
      auto decoded = DecodeDescription(*encoded);
      ASSERT_TRUE(decoded) << name << ": " << decoded.error().reason;
      EXPECT_EQ(decoded->filename, name);
      EXPECT_EQ(decoded->mtime, mtime);
    }
  }
}

TEST(DescriptionTest, JobDescriptions) {
  auto full = EncodeJobDescription(kJobTypeFull);
  ASSERT_TRUE(full);
  EXPECT_EQ(*full, "mtijob1 eyJ0eXBlIjoiZnVsbCJ9");
  EXPECT_EQ(DecodeJobDescription("mtijob1 eyJ0eXBlIjoiZnVsbCJ9"), "full");
  EXPECT_EQ(DecodeJobDescription("  mtijob1\teyJ0eXBlIjoiZnVsbCJ9=  x"), "full");
  EXPECT_EQ(DecodeJobDescription("mtijob1 " + Base64UrlEncode(R"({"a":1,"type":"other"})")), "other");
  EXPECT_FALSE(DecodeJobDescription("mtijob1 " + Base64UrlEncode(R"({"a":1})")));
  EXPECT_FALSE(DecodeJobDescription("mtijob1 " + Base64UrlEncode(R"({"type":null})")));
  EXPECT_FALSE(DecodeJobDescription("mtijob2 eyJ0eXBlIjoiZnVsbCJ9"));
  EXPECT_FALSE(DecodeJobDescription("mt2 eyJ0eXBlIjoiZnVsbCJ9"));
  EXPECT_FALSE(DecodeJobDescription(""));
  EXPECT_FALSE(DecodeJobDescription("mtijob1"));
  // A job description is not a file description and vice versa.
  EXPECT_FALSE(DecodeDescription("mtijob1 eyJ0eXBlIjoiZnVsbCJ9"));
  EXPECT_FALSE(DecodeJobDescription(kVectors[0].description));
}

std::string SharedDir() {
  if (const char* env = std::getenv("MTG_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  return MTG_SHARED_DIR;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

// Every archive description written by the real mt-aws-glacier 1.120 in compat set-a decodes
// to exactly the name and mtime recorded beside it; those it wrote filename-first we reproduce
// byte for byte.
TEST(DescriptionTest, CompatSetADescriptions) {
  const std::string path = SharedDir() + "/compat/set-a/descriptions.tsv";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::string line;
  int rows = 0;
  int byte_identical = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> f = SplitTabs(line);
    ASSERT_EQ(f.size(), 4u) << line;
    const std::string& description = f[1];
    const std::string& name = f[2];
    const int64_t mtime = std::stoll(f[3]);
    auto decoded = DecodeDescription(description);
    ASSERT_TRUE(decoded) << description << ": " << decoded.error().reason;
    EXPECT_EQ(decoded->filename, name) << description;
    EXPECT_EQ(decoded->mtime, mtime) << description;
    EXPECT_EQ(decoded->format, DescriptionFormat::kMt2);

    auto encoded = EncodeDescription(name, mtime);
    ASSERT_TRUE(encoded) << encoded.error().message;
    if (Base64UrlDecode(description.substr(4)).starts_with("{\"filename\"")) {
      EXPECT_EQ(*encoded, description) << name;
      ++byte_identical;
    }
    ++rows;
  }
  EXPECT_EQ(rows, 28);
  EXPECT_GT(byte_identical, 0);
  std::printf("set-a: %d descriptions decoded, %d re-encoded byte for byte\n", rows, byte_identical);
}

}  // namespace
}  // namespace mtg::meta
