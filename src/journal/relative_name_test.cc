#include "journal/relative_name.h"

#include <gtest/gtest.h>

#include <string>

namespace mtg::journal {
namespace {

TEST(RelativeName, AcceptsOrdinaryAndAwkwardNames) {
  for (std::string name : {"a", "a.txt", "dir/file", "deep/a/b/c/d.txt", ".dotfile", "..a", "a..",
                           "a../b", "...", "-leading-dash.txt", "back\\slash.txt", "dir with spaces/x y",
                           "quotes/say \"hello\".txt", "кириллица/Привет мир.txt", "emoji 😀/x",
                           " leading space", "trailing space ", "a/.b/c", "\xff\xfe"}) {
    EXPECT_TRUE(IsRelativeFilename(name)) << name;
  }
}

TEST(RelativeName, RefusesNonCanonicalOrHostileNames) {
  struct Case {
    std::string name;
    std::string why;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"", "empty"},
           {"/etc/passwd", "absolute"},
           {"//x", "absolute"},
           {"a//b", "empty component"},
           {"a/", "ends with '/'"},
           {".", "\".\" component"},
           {"./a", "\".\" component"},
           {"a/./b", "\".\" component"},
           {"a/.", "\".\" component"},
           {"..", "\"..\" component"},
           {"../evil", "\"..\" component"},
           {"a/../b", "\"..\" component"},
           {"a/..", "\"..\" component"},
           {"a\tb", "CR, LF or TAB"},
           {"a\nb", "CR, LF or TAB"},
           {"a\r", "CR, LF or TAB"},
           {std::string("a\0b", 3), "NUL"},
       }) {
    const char* problem = RelativeFilenameProblem(c.name);
    ASSERT_NE(problem, nullptr) << c.name;
    EXPECT_NE(std::string(problem).find(c.why), std::string::npos) << c.name << ": " << problem;
  }
}

TEST(RelativeName, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("Привет 😀 中文"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
}

}  // namespace
}  // namespace mtg::journal
