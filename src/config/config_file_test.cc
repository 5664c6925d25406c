#include "config/config_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace mtg::config {
namespace {

Result<ConfigFile> Parse(std::string_view text) {
  return ParseConfig(text, "test.cfg", MtglacierOptions());
}

std::string Value(const ConfigFile& c, std::string_view name) {
  const ConfigValue* v = c.Get(name);
  return v ? v->value : "<unset>";
}

std::string ErrorOf(std::string_view text) {
  auto r = Parse(text);
  if (r) return "<parsed>";
  return r.error().message;
}

std::string SharedDir() {
  if (const char* env = std::getenv("MTG_SHARED_DIR")) return env;
  return MTG_SHARED_DIR;
}

TEST(ConfigFile, KeyValueTrimming) {
  auto c = Parse(" \tvault \t= \tmy vault \t\nconcurrency=8\njournal=  /j/x.log\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Value(*c, "vault"), "my vault");  // inner spaces stay
  EXPECT_EQ(Value(*c, "concurrency"), "8");
  EXPECT_EQ(Value(*c, "journal"), "/j/x.log");
  EXPECT_EQ(c->Get("vault")->line, 1);
  EXPECT_EQ(c->Get("journal")->line, 3);
}

TEST(ConfigFile, ValueIsVerbatim) {
  auto c = Parse("dir=\"/a b\" # not a comment\njournal=x=y\\n\nvault='q'\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Value(*c, "dir"), "\"/a b\" # not a comment");
  EXPECT_EQ(Value(*c, "journal"), "x=y\\n");
  EXPECT_EQ(Value(*c, "vault"), "'q'");
}

TEST(ConfigFile, EmptyValueAllowed) {
  auto c = Parse("vault=\njournal =  \n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Value(*c, "vault"), "");
  EXPECT_EQ(Value(*c, "journal"), "");
}

TEST(ConfigFile, BareFlags) {
  auto c = Parse("dry-run\n  follow  \nnew=1\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Value(*c, "dry-run"), "1");
  EXPECT_EQ(Value(*c, "follow"), "1");
  EXPECT_EQ(Value(*c, "new"), "1");
}

TEST(ConfigFile, FlagWithOtherValueRefused) {
  // mt-aws-glacier would have turned dry run ON for "dry-run=0".
  EXPECT_NE(ErrorOf("vault=v\ndry-run=0\n").find("\"dry-run\" is a flag"), std::string::npos);
  EXPECT_NE(ErrorOf("follow=\n").find("line 1"), std::string::npos);
}

TEST(ConfigFile, BareNonFlagGetsOne) {
  // A bare key sets "1" whatever the option; validation later decides if that is acceptable.
  auto c = Parse("concurrency\nvault\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Value(*c, "concurrency"), "1");
  EXPECT_EQ(Value(*c, "vault"), "1");
}

TEST(ConfigFile, CommentsAndBlankLines) {
  auto c = Parse("# comment\n   # indented comment\n\n \t \n\f\n#key=zzz\nvault=v\n   \n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->values.size(), 1u);
  EXPECT_EQ(c->Get("vault")->line, 7);
}

TEST(ConfigFile, Crlf) {
  auto c = Parse("key=AKIAJ2QN54K3SOFABCDE\r\n# c\r\n\r\nregion = us-east-1 \r\ndry-run\r\nvault=v\r");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Value(*c, "key"), "AKIAJ2QN54K3SOFABCDE");
  EXPECT_EQ(Value(*c, "region"), "us-east-1");
  EXPECT_EQ(Value(*c, "dry-run"), "1");
  EXPECT_EQ(Value(*c, "vault"), "v");
  EXPECT_EQ(c->Get("region")->line, 4);
}

TEST(ConfigFile, LoneCarriageReturnInsideValueIsKept) {
  auto c = Parse("vault=a\rb\njournal=j\r\r\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Value(*c, "vault"), "a\rb");
  EXPECT_EQ(Value(*c, "journal"), "j\r");
}

TEST(ConfigFile, NoFinalNewlineAndEmptyFile) {
  auto c = Parse("vault=v");
  ASSERT_TRUE(c);
  EXPECT_EQ(Value(*c, "vault"), "v");
  auto e = Parse("");
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->values.empty());
}

TEST(ConfigFile, LastDuplicateWins) {
  auto c = Parse("vault=one\nconcurrency=2\nvault=two\n");
  ASSERT_TRUE(c);
  EXPECT_EQ(Value(*c, "vault"), "two");
  EXPECT_EQ(c->Get("vault")->line, 3);
}

TEST(ConfigFile, BadLinesNameFileAndLine) {
  EXPECT_EQ(ErrorOf("vault=v\n\n=value\n"),
            "Cannot parse line in config file: \"=value\" at \"test.cfg\" line 3");
  EXPECT_EQ(ErrorOf("-dir=x\n"), "Cannot parse line in config file: \"-dir=x\" at \"test.cfg\" line 1");
  EXPECT_EQ(ErrorOf("key value\n"),
            "Cannot parse line in config file: \"key value\" at \"test.cfg\" line 1");
  EXPECT_EQ(ErrorOf("vault:x\n"), "Cannot parse line in config file: \"vault:x\" at \"test.cfg\" line 1");
  EXPECT_EQ(ErrorOf("dir_x=1\n"), "Cannot parse line in config file: \"dir_x=1\" at \"test.cfg\" line 1");
  // Non-printables are shown escaped, readable UTF-8 as is.
  EXPECT_EQ(ErrorOf("# ok\r\nva\x01lt=\xD0\xAF\t\"\xFF\r\n"),
            "Cannot parse line in config file: \"va\\x01lt=\xD0\xAF\\t\\\"\\xFF\" at \"test.cfg\" line 2");
  // A form feed is whitespace for blank lines but not around keys.
  EXPECT_NE(ErrorOf("vault\f=x\n").find("line 1"), std::string::npos);
}

TEST(ConfigFile, BadLineNeverShowsASecret) {
  const std::string secret = "jhuYh6d73hdhGndk1jdHJHdjHgDjDkkdkKDkdkd";
  for (const std::string& line :
       {"secret: " + secret, "aws_secret_access_key=" + secret, "Secret " + secret + " x",
        "token:" + secret, "SECRET\t" + secret + "\x01"}) {
    const std::string msg = ErrorOf(line + "\n");
    EXPECT_NE(msg.find("Cannot parse line"), std::string::npos) << msg;
    EXPECT_EQ(msg.find(secret.substr(0, 8)), std::string::npos) << msg;
    EXPECT_NE(msg.find("***"), std::string::npos) << msg;
  }
}

TEST(ConfigFile, FileNameQuotedSafely) {
  auto r = ParseConfig("=\n", "evil\nname", MtglacierOptions());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("at \"evil\\nname\" line 1"), std::string::npos);
}

TEST(ConfigFile, UnknownOption) {
  EXPECT_EQ(ErrorOf("vault=v\nfoo=bar\n"), "Unknown option in config: \"foo\" at \"test.cfg\" line 2");
  EXPECT_EQ(ErrorOf("Vault=v\n"), "Unknown option in config: \"Vault\" at \"test.cfg\" line 1");
  EXPECT_EQ(ErrorOf("bareword\n"), "Unknown option in config: \"bareword\" at \"test.cfg\" line 1");
}

TEST(ConfigFile, ListOptionsRefused) {
  for (auto name : {"filter", "include", "exclude"}) {
    EXPECT_EQ(ErrorOf(std::string(name) + "=+*.txt\n"),
              "\"List\" options (where order is important) like \"" + std::string(name) +
                  "\" cannot appear in config currently at \"test.cfg\" line 1");
  }
}

TEST(ConfigFile, InvalidUtf8InValue) {
  EXPECT_EQ(ErrorOf("vault=v\ndir=/data/\xFF\xFE\n"),
            "Invalid UTF-8 character in the value of \"dir\" in config at \"test.cfg\" line 2");
  // Comments are not decoded, as in the original.
  EXPECT_TRUE(Parse("# \xFF\xFE\nvault=\xD0\xAF\n"));
}

TEST(ConfigFile, NulInValueRefused) {
  EXPECT_NE(ErrorOf(std::string("dir=/a\0b\n", 9)).find("NUL byte"), std::string::npos);
}

TEST(ConfigFile, DeprecatedAliases) {
  auto c = Parse("to-dir=/data\nto-vault=v\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Value(*c, "dir"), "/data");
  EXPECT_EQ(Value(*c, "vault"), "v");
  EXPECT_EQ(c->Get("dir")->spelled_as, "to-dir");
  ASSERT_EQ(c->warnings.size(), 2u);
  EXPECT_EQ(c->warnings[0], "to-dir deprecated, use dir instead (config file \"test.cfg\" line 1)");
  EXPECT_EQ(c->warnings[1], "to-vault deprecated, use vault instead (config file \"test.cfg\" line 2)");

  auto same = Parse("from-dir=/a\nfrom-dir=/b\n");
  ASSERT_TRUE(same);
  EXPECT_EQ(Value(*same, "dir"), "/b");
  EXPECT_EQ(ErrorOf("dir=/a\nfrom-dir=/b\n"),
            "\"from-dir\" specified, while \"dir\" already defined (line 1) at \"test.cfg\" line 2");
}

TEST(ConfigFile, ValidateValueNamesLine) {
  auto c = Parse("vault=v\n\npartsize=3\nconcurrency=4\n");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->ValidateValue(MtglacierOptions(), "concurrency"));
  EXPECT_TRUE(c->ValidateValue(MtglacierOptions(), "segment-size"));  // absent is fine
  auto r = c->ValidateValue(MtglacierOptions(), "partsize");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "config file \"test.cfg\" line 3: \"--partsize\": part size must be power of two");
}

TEST(ConfigFile, SecretValidationNeverShowsIt) {
  const std::string secret = "bad secret value 0123456789";
  auto c = Parse("secret=" + secret + "\ntoken=" + secret + "\n");
  ASSERT_TRUE(c);
  for (auto name : {"secret", "token"}) {
    auto r = c->ValidateValue(MtglacierOptions(), name);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.find(secret), std::string::npos) << r.error().message;
  }
}

TEST(ConfigFile, CustomTable) {
  OptionTable t({OptionDef{"alpha", {"a1"}, false, false, std::nullopt, nullptr, false},
                 OptionDef{"beta", {}, true, false, std::nullopt, nullptr, false}});
  auto c = ParseConfig("a1 = x\nbeta\n", "t", t);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Value(*c, "alpha"), "x");
  EXPECT_EQ(Value(*c, "beta"), "1");
  EXPECT_FALSE(ParseConfig("vault=v\n", "t", t));
}

TEST(ConfigFile, RealMtAwsGlacierConfigParses) {
  auto c = ReadConfigFile(SharedDir() + "/compat/set-a/glacier.cfg", MtglacierOptions());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Value(*c, "key"), "AKIAJ2QN54K3SOFABCDE");
  EXPECT_EQ(Value(*c, "region"), "us-east-1");
  EXPECT_EQ(Value(*c, "protocol"), "http");
  for (auto name : {"key", "secret", "region", "protocol"})
    EXPECT_TRUE(c->ValidateValue(MtglacierOptions(), name)) << name;
  EXPECT_TRUE(c->warnings.empty());
}

TEST(ConfigFile, ReadMissingFile) {
  auto c = ReadConfigFile("/nonexistent/dir/x.cfg", MtglacierOptions());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("Cannot read config file \"/nonexistent/dir/x.cfg\""),
            std::string::npos);
}

}  // namespace
}  // namespace mtg::config
