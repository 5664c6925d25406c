#include "config/text.h"

#include <gtest/gtest.h>

namespace mtg::config {
namespace {

TEST(Utf8, AcceptsWellFormed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xD0\xAF"));          // Я
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));      // €
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // emoji
}

TEST(Utf8, RejectsMalformed) {
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong "/"
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("a\x80z"));
}

TEST(Quote, EscapesWhatATerminalWouldMisshow) {
  EXPECT_EQ(QuoteForMessage("a b"), "\"a b\"");
  EXPECT_EQ(QuoteForMessage("q\"\\"), "\"q\\\"\\\\\"");
  EXPECT_EQ(QuoteForMessage("\r\n\t"), "\"\\r\\n\\t\"");
  EXPECT_EQ(QuoteForMessage(std::string_view("\0\x1b\x7f", 3)), "\"\\x00\\x1B\\x7F\"");
  EXPECT_EQ(QuoteForMessage("\xD0\xAF"), "\"\xD0\xAF\"");      // readable UTF-8 stays
  EXPECT_EQ(QuoteForMessage("\xFF"), "\"\\xFF\"");              // invalid byte
  EXPECT_EQ(QuoteForMessage("\xE2\x80\xAE"), "\"\\xE2\\x80\\xAE\"");  // right-to-left override
  EXPECT_EQ(QuoteForMessage("\xC2\x85"), "\"\\xC2\\x85\"");           // C1 control
}

TEST(Quote, CutsLongInput) {
  EXPECT_EQ(QuoteForMessage(std::string(10, 'x'), 4), "\"xxxx\"...");
}

}  // namespace
}  // namespace mtg::config
