#include "meta/flat_json.h"

#include <gtest/gtest.h>

#include <string>

namespace mtg::meta {
namespace {

TEST(FlatJsonTest, ParsesScalarsInAnyOrder) {
  auto object = ParseFlatJsonObject(
      " \t\r\n{ \"b\" : -0.5E+2 , \"a\":\"x\",\"t\":true,\"f\":false,\"n\":null,\"\":0 } \n");
  ASSERT_TRUE(object) << object.error().message;
  ASSERT_EQ(object->members().size(), 6u);
  EXPECT_EQ(object->Find("b")->type, JsonScalar::Type::kNumber);
  EXPECT_EQ(object->Find("b")->text, "-0.5E+2");
  EXPECT_EQ(object->Find("a")->text, "x");
  EXPECT_EQ(object->Find("t")->type, JsonScalar::Type::kTrue);
  EXPECT_EQ(object->Find("f")->type, JsonScalar::Type::kFalse);
  EXPECT_EQ(object->Find("n")->type, JsonScalar::Type::kNull);
  EXPECT_EQ(object->Find("")->text, "0");
  EXPECT_EQ(object->Find("missing"), nullptr);
  EXPECT_TRUE(ParseFlatJsonObject("{}"));
}

TEST(FlatJsonTest, DecodesEscapes) {
  auto object = ParseFlatJsonObject(
      R"({"s":"\"\\\/\b\f\n\r\t\u0000\u00e9\u20AC\ud83c\udf89 raw é €"})");
  ASSERT_TRUE(object) << object.error().message;
  EXPECT_EQ(object->Find("s")->text,
            std::string("\"\\/\b\f\n\r\t") + std::string(1, '\0') + "é€🎉 raw é €");
}

TEST(FlatJsonTest, RejectsWhatJsonXsRejects) {
  for (const char* text : {
           "", "[]", "\"s\"", "1", "null", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}",
           "{\"a\":1}x", "{\"a\":1}{}", "{\"a\":[]}", "{\"a\":{}}", "{a:1}", "{'a':1}",
           "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":+1}",
           "{\"a\":tru}", "{\"a\":True}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
           "{\"a\":\"\\ud800\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\\udc00\"}",
           "{\"a\":\"unterminated}", "{\"a\":\"tab\there\"}", "\v{}", "{}\v", "\xEF\xBB\xBF{}",
           "{\"a\":\"\xC3\"}", "{\"a\":\"\xC0\xAF\"}", "{\"a\":\"\xED\xA0\x80\"}",
           "{\"a\":\"\xF4\x90\x80\x80\"}", "{\"a\":NaN}", "{\"a\":1} # comment",
       }) {
    EXPECT_FALSE(ParseFlatJsonObject(text)) << text;
  }
  EXPECT_FALSE(ParseFlatJsonObject(std::string("{}\0", 3)));
  EXPECT_FALSE(ParseFlatJsonObject(std::string("{\"a\":\"\0\"}", 8)));
}

TEST(FlatJsonTest, SizeLimit) {
  const std::string filler(1024 - 8, 'x');
  const std::string exact = "{\"a\":\"" + filler + "\"}";
  ASSERT_EQ(exact.size(), 1024u);
  EXPECT_TRUE(ParseFlatJsonObject(exact));
  EXPECT_FALSE(ParseFlatJsonObject(exact + " "));
  EXPECT_TRUE(ParseFlatJsonObject(exact + " ", 2048));
}

TEST(FlatJsonTest, WritesJsonXsEscapes) {
  std::string out;
  AppendJsonString(out, std::string("a\"\\/\b\t\n\f\r\x01\x1f\x7f é") + std::string(1, '\0'));
  EXPECT_EQ(out, "\"a\\\"\\\\/\\b\\t\\n\\f\\r\\u0001\\u001f\x7f é\\u0000\"");
}

}  // namespace
}  // namespace mtg::meta
