#include "config/aws_ini.h"

#include <gtest/gtest.h>

namespace mtg::config {
namespace {

std::string Get(const IniFile& ini, const std::string& section, const std::string& key) {
  const IniSection* s = ini.Section(section);
  if (s == nullptr) return "<no section>";
  auto it = s->find(key);
  return it == s->end() ? "<unset>" : it->second.value;
}

TEST(AwsIni, SectionsKeysComments) {
  auto ini = ParseIni(
      "# comment\n"
      "; another\n"
      "[default]\n"
      "aws_access_key_id = AKIDEXAMPLE\n"
      "AWS_Secret_Access_Key=abc/def+ghi \n"
      "\n"
      "[ profile dev ]\n"
      "region: eu-west-1\n"
      "   # indented comment\n"
      "endpoint_url = http://127.0.0.1:9901 # not a comment\n",
      "cfg");
  ASSERT_TRUE(ini) << ini.error().message;
  EXPECT_EQ(Get(*ini, "default", "aws_access_key_id"), "AKIDEXAMPLE");
  EXPECT_EQ(Get(*ini, "default", "aws_secret_access_key"), "abc/def+ghi");
  EXPECT_EQ(Get(*ini, "profile dev", "region"), "eu-west-1");
  EXPECT_EQ(Get(*ini, "profile dev", "endpoint_url"), "http://127.0.0.1:9901 # not a comment");
  EXPECT_EQ(ini->Section("profile dev")->at("region").line, 8);
}

TEST(AwsIni, ContinuationLinesSkipped) {
  auto ini = ParseIni(
      "[default]\r\n"
      "region = us-east-1\r\n"
      "s3 =\r\n"
      "  max_concurrent_requests = 20\r\n"
      "\tregion = nested-not-ours\r\n"
      "output = json\r\n",
      "cfg");
  ASSERT_TRUE(ini) << ini.error().message;
  EXPECT_EQ(Get(*ini, "default", "region"), "us-east-1");
  EXPECT_EQ(Get(*ini, "default", "s3"), "");
  EXPECT_EQ(Get(*ini, "default", "output"), "json");
  EXPECT_EQ(Get(*ini, "default", "max_concurrent_requests"), "<unset>");
}

TEST(AwsIni, DuplicatesLastWinsAndSectionsMerge) {
  auto ini = ParseIni("[a]\nx=1\n[b]\ny=2\n[a]\nx=3\nz=4\n", "f");
  ASSERT_TRUE(ini);
  EXPECT_EQ(Get(*ini, "a", "x"), "3");
  EXPECT_EQ(Get(*ini, "a", "z"), "4");
  EXPECT_EQ(Get(*ini, "b", "y"), "2");
}

TEST(AwsIni, ByteOrderMarkAndEmpty) {
  auto ini = ParseIni("\xEF\xBB\xBF[default]\nregion=x\n", "f");
  ASSERT_TRUE(ini);
  EXPECT_EQ(Get(*ini, "default", "region"), "x");
  EXPECT_TRUE(ParseIni("", "f"));
}

TEST(AwsIni, ErrorsNameFileAndLineButNotTheText) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {"[default]\naws_secret_access_key SECRETVALUE\n",
       "\"/h/.aws/credentials\" line 2: expected \"key = value\", \"[section]\" or a comment"},
      {"region = x\n", "\"/h/.aws/credentials\" line 1: setting before any [section] header"},
      {"[default\n", "\"/h/.aws/credentials\" line 1: section header without closing \"]\""},
      {"[ ]\n", "\"/h/.aws/credentials\" line 1: empty section name"},
      {"[default]\n= SECRETVALUE\n", "\"/h/.aws/credentials\" line 2: empty key before \"=\""},
      {"[default]\n  SECRETVALUE\n", "\"/h/.aws/credentials\" line 2: indented line with no key before it"},
  };
  for (const Case& c : cases) {
    auto r = ParseIni(c.text, "/h/.aws/credentials");
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().message, c.expect);
    EXPECT_EQ(r.error().message.find("SECRETVALUE"), std::string::npos);
  }
}

}  // namespace
}  // namespace mtg::config
