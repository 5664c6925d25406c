// The command-line reader against mt-aws-glacier's observed behaviour (reference §1.1).
#include "cli/options_parser.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace mtg::cli {
namespace {

Result<CommandLine> Parse(std::vector<std::string> args) {
  return ParseCommandLine(args, config::MtglacierOptions());
}

std::string ErrorOf(const Result<CommandLine>& r) { return r ? "" : r.error().message; }

const CommandOptions kSyncLike{
    .options = {"config", "key", "secret", "region", "dir", "vault", "journal", "concurrency",
                "partsize", "filter", "include", "exclude", "dry-run", "new"},
    .deprecated = {},
    .takes_vault_name = false};

TEST(OptionsParser, CommandWordAnywhereAndValueForms) {
  auto r = Parse({"--concurrency", "3", "sync", "--dir=data", "-partsize=2", "--dry-run",
                  "-vault", "v1"});
  ASSERT_TRUE(r) << ErrorOf(r);
  EXPECT_EQ(r->command, "sync");
  EXPECT_TRUE(r->arguments.empty());
  EXPECT_EQ(r->values.at("concurrency"), "3");
  EXPECT_EQ(r->values.at("dir"), "data");
  EXPECT_EQ(r->values.at("partsize"), "2");
  EXPECT_EQ(r->values.at("dry-run"), "1");
  EXPECT_EQ(r->values.at("vault"), "v1");
}

TEST(OptionsParser, UniquePrefixAbbreviations) {
  auto r = Parse({"sync", "--conc", "3", "--max", "5", "--replace", "--to-v", "v"});
  ASSERT_TRUE(r) << ErrorOf(r);
  EXPECT_EQ(r->values.at("concurrency"), "3");
  EXPECT_EQ(r->values.at("max-number-of-files"), "5");
  EXPECT_EQ(r->values.at("replace-modified"), "1");
  EXPECT_EQ(r->values.at("vault"), "v");
  // "journal" is also a prefix of "journal-encoding", so "--jour" names neither.
  EXPECT_EQ(ErrorOf(Parse({"sync", "--jour", "j"})),
            "Option jour is ambiguous (journal, journal-encoding)");
  // An exact name wins over longer names it is a prefix of.
  auto exact = Parse({"sync", "--new", "--config", "c"});
  ASSERT_TRUE(exact) << ErrorOf(exact);
  EXPECT_EQ(exact->values.at("new"), "1");
  EXPECT_EQ(exact->values.at("config"), "c");
  auto amb = Parse({"sync", "--con", "3"});
  ASSERT_FALSE(amb);
  EXPECT_NE(amb.error().message.find("Option con is ambiguous (concurrency, config"),
            std::string::npos)
      << amb.error().message;
}

TEST(OptionsParser, ListOptionsKeepOrder) {
  auto r = Parse({"sync", "--include", "*.txt", "--exclude=*", "--filter", "+a -b", "--inc", "z"});
  ASSERT_TRUE(r) << ErrorOf(r);
  ASSERT_EQ(r->lists.size(), 4u);
  EXPECT_EQ(r->lists[0].option, "include");
  EXPECT_EQ(r->lists[1].option, "exclude");
  EXPECT_EQ(r->lists[1].value, "*");
  EXPECT_EQ(r->lists[2].value, "+a -b");
  EXPECT_EQ(r->lists[3].value, "z");
}

TEST(OptionsParser, RepeatsAndAliasesUseTheOriginalTexts) {
  EXPECT_EQ(ErrorOf(Parse({"sync", "--concurrency", "3", "--concurrency", "4"})),
            "\"--concurrency\" specified, while \"--concurrency\" already defined");
  EXPECT_EQ(ErrorOf(Parse({"sync", "--dir", "a", "--from-dir", "b"})),
            "\"--from-dir\" specified, while \"--dir\" already defined");
  auto alias = Parse({"sync", "--from-dir", "a"});
  ASSERT_TRUE(alias);
  EXPECT_EQ(alias->values.at("dir"), "a");
  ASSERT_EQ(alias->warnings.size(), 1u);
  EXPECT_EQ(alias->warnings[0], "from-dir deprecated, use dir instead");
}

TEST(OptionsParser, ValueAndFlagErrors) {
  EXPECT_EQ(ErrorOf(Parse({"sync", "--dir"})), "Option \"--dir\" requires an argument");
  EXPECT_EQ(ErrorOf(Parse({"sync", "--dry-run=1"})), "Option \"--dry-run\" does not take an argument");
  EXPECT_EQ(ErrorOf(Parse({"sync", "--bogus", "1"})), "Unknown option \"--bogus\"");
  // "--" ends the options; "-" is a word.
  auto r = Parse({"create-vault", "--", "--weird"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->arguments, std::vector<std::string>{"--weird"});
}

TEST(OptionsParser, PerCommandChecks) {
  auto r = Parse({"sync", "--format", "mtmsg"});
  ASSERT_TRUE(r);
  auto checked = CheckForCommand(*r, kSyncLike);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().message, "Unexpected option \"--format\"");

  auto extra = Parse({"sync", "stray"});
  ASSERT_TRUE(extra);
  EXPECT_EQ(CheckForCommand(*extra, kSyncLike).error().message,
            "Unexpected argument in command line: stray");

  CommandOptions vault_cmd{.options = {"config"}, .deprecated = {}, .takes_vault_name = true};
  auto two = Parse({"create-vault", "a", "b"});
  ASSERT_TRUE(two);
  EXPECT_EQ(CheckForCommand(*two, vault_cmd).error().message,
            "Unexpected argument in command line: b");
  auto none = Parse({"create-vault"});
  ASSERT_TRUE(none);
  EXPECT_FALSE(CheckForCommand(*none, vault_cmd));
  auto bad = Parse({"create-vault", "bad/name"});
  ASSERT_TRUE(bad);
  EXPECT_FALSE(CheckForCommand(*bad, vault_cmd));
  auto good = Parse({"create-vault", "my.vault-1_x"});
  ASSERT_TRUE(good);
  EXPECT_TRUE(CheckForCommand(*good, vault_cmd));

  CommandOptions check{.options = {"dir"}, .deprecated = {"vault"}, .takes_vault_name = false};
  auto dep = Parse({"check-local-hash", "--vault", "v", "--dir", "d"});
  ASSERT_TRUE(dep);
  ASSERT_TRUE(CheckForCommand(*dep, check));
  EXPECT_FALSE(dep->values.contains("vault"));
  EXPECT_EQ(dep->warnings.back(), "Option \"--vault\" deprecated for this command");
}

TEST(OptionsParser, HelpAndVersionShortcuts) {
  for (const char* s : {"help", "-h", "--help", "HELP", "--h"}) EXPECT_TRUE(IsHelpShortcut(s)) << s;
  for (const char* s : {"helpme", "sync", "-hx", "list-vaults", "--config=/h/help.cfg"}) {
    EXPECT_FALSE(IsHelpShortcut(s)) << s;
  }
  for (const char* s : {"version", "-version", "--VERSION"}) EXPECT_TRUE(IsVersionShortcut(s)) << s;
  for (const char* s : {"---version", "versions"}) EXPECT_FALSE(IsVersionShortcut(s)) << s;
  auto r = Parse({"list-vaults", "--help"});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->help);
}

class LoadOptionsTest : public ::testing::Test {
 protected:
  std::string WriteConfig(const std::string& text) {
    std::string path = ::testing::TempDir() + "options_parser_test_" + std::to_string(getpid()) + ".cfg";
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
};

TEST_F(LoadOptionsTest, CommandLineBeatsConfigBeatsDefault) {
  std::string cfg = WriteConfig("concurrency=7\ndir=/cfg\nformat=mtmsg\n");
  auto r = Parse({"sync", "--config", cfg, "--dir", "/cli"});
  ASSERT_TRUE(r);
  ASSERT_TRUE(CheckForCommand(*r, kSyncLike));
  auto opts = LoadOptions(*r, kSyncLike, config::MtglacierOptions());
  ASSERT_TRUE(opts) << opts.error().message;
  EXPECT_EQ(opts->Get("dir"), "/cli");
  EXPECT_EQ(opts->Get("concurrency"), "7");
  EXPECT_EQ(opts->Get("partsize"), "16");
  // format= is for list-vaults; sync ignores it, as the original did.
  EXPECT_EQ(opts->Get("format"), "for-humans");
  EXPECT_FALSE(opts->Flag("dry-run"));
}

TEST_F(LoadOptionsTest, ValuesAreValidatedWithTheirOptionNamed) {
  auto r = Parse({"sync", "--concurrency", "99"});
  ASSERT_TRUE(r);
  auto opts = LoadOptions(*r, kSyncLike, config::MtglacierOptions());
  ASSERT_FALSE(opts);
  EXPECT_NE(opts.error().message.find("concurrency"), std::string::npos) << opts.error().message;

  std::string cfg = WriteConfig("partsize=3\n");
  auto c = Parse({"sync", "--config", cfg});
  ASSERT_TRUE(c);
  auto copts = LoadOptions(*c, kSyncLike, config::MtglacierOptions());
  ASSERT_FALSE(copts);
  EXPECT_NE(copts.error().message.find("partsize"), std::string::npos) << copts.error().message;
  EXPECT_NE(copts.error().message.find("line 1"), std::string::npos) << copts.error().message;
}

TEST_F(LoadOptionsTest, SecretNeverInMessagesAndSettingsResolve) {
  const std::string secret = "s3cr3t/with+chars=that.are;not*40long";
  auto r = Parse({"list-vaults", "--key", "AKIAJ2QN54K3SOFABCDE", "--secret", secret, "--region",
                  "us-east-1"});
  ASSERT_TRUE(r);
  CommandOptions spec{.options = {"key", "secret", "region"}, .deprecated = {}, .takes_vault_name = false};
  auto opts = LoadOptions(*r, spec, config::MtglacierOptions());
  ASSERT_FALSE(opts);
  EXPECT_EQ(opts.error().message.find(secret), std::string::npos);

  std::string cfg = WriteConfig(
      "key=AKIAJ2QN54K3SOFABCDE\nsecret=jhuYh6d73hdhGndk1jdHJHdjHghDjDkkdkKDkdkd\n"
      "region=us-east-1\nendpoint=http://127.0.0.1:9\n");
  auto ok = Parse({"list-vaults", "--config", cfg, "--region", "eu-west-1"});
  ASSERT_TRUE(ok);
  CommandOptions spec2{.options = {"config", "key", "secret", "region", "endpoint"},
                       .deprecated = {},
                       .takes_vault_name = false};
  auto opts2 = LoadOptions(*ok, spec2, config::MtglacierOptions());
  ASSERT_TRUE(opts2) << opts2.error().message;
  auto settings = ResolveConnection(*opts2, config::FakeSystemContext({}, "", {}));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->region.value, "eu-west-1");
  EXPECT_EQ(settings->access_key.value, "AKIAJ2QN54K3SOFABCDE");
  EXPECT_EQ(settings->endpoint.value, "http://127.0.0.1:9");
}

}  // namespace
}  // namespace mtg::cli
