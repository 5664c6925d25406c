#include "config/options.h"

#include <gtest/gtest.h>

#include <set>

namespace mtg::config {
namespace {

::testing::AssertionResult Good(const Result<void>& r) {
  if (r) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.error().message;
}
template <typename T>
::testing::AssertionResult Good(const Result<T>& r) {
  if (r) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.error().message;
}
// A failure whose message names the option.
template <typename R>
::testing::AssertionResult Bad(const R& r, std::string_view option) {
  if (r) return ::testing::AssertionFailure() << "accepted";
  if (r.error().message.find(option) == std::string::npos)
    return ::testing::AssertionFailure() << "message does not name " << option << ": "
                                         << r.error().message;
  if (r.error().code != ErrorCode::kInvalidArgument)
    return ::testing::AssertionFailure() << "wrong code";
  return ::testing::AssertionSuccess();
}

TEST(Options, Key) {
  EXPECT_TRUE(Good(ValidateKey("AKIAJ2QN54K3SOFABCDE")));
  EXPECT_TRUE(Bad(ValidateKey("AKIAJ2QN54K3SOFABCD"), "--key"));    // 19
  EXPECT_TRUE(Bad(ValidateKey("AKIAJ2QN54K3SOFABCDEF"), "--key"));  // 21
  EXPECT_TRUE(Bad(ValidateKey("AKIAJ2QN54K3SOFABCD-"), "--key"));
  EXPECT_TRUE(Bad(ValidateKey(""), "--key"));
}

TEST(Options, SecretNeverEchoed) {
  const std::string good = "jhuYh6d73hdhGndk1jdHJHdjHgDjDkkdkKDkdkd!";
  ASSERT_EQ(good.size(), 40u);
  EXPECT_TRUE(Good(ValidateSecret(good)));
  EXPECT_TRUE(Good(ValidateSecret(std::string(40, '~'))));
  for (const std::string& bad :
       {good.substr(0, 39), good + "x", good.substr(0, 39) + " ", good.substr(0, 39) + "\x7f"}) {
    auto r = ValidateSecret(bad);
    EXPECT_TRUE(Bad(r, "--secret"));
    EXPECT_EQ(r.error().message.find(bad.substr(0, 20)), std::string::npos);
  }
}

TEST(Options, Region) {
  for (auto v : {"us-east-1", "eu-west-1", "abc", "ap-southeast-22-abcd"}) EXPECT_TRUE(Good(ValidateRegion(v))) << v;
  for (auto v : {"", "us", "us_east_1", "us-east-1 ", "ap-southeast-22-abcde"}) EXPECT_TRUE(Bad(ValidateRegion(v), "--region")) << v;
}

TEST(Options, TokenLengthAndCharset) {
  EXPECT_TRUE(Good(ValidateToken(std::string(20, 'a'))));
  EXPECT_TRUE(Good(ValidateToken(std::string(1024, '/'))));
  for (const std::string& bad : {std::string(19, 'a'), std::string(1025, 'a'), std::string(30, 'a') + " b"}) {
    auto r = ValidateToken(bad);
    EXPECT_TRUE(Bad(r, "--token"));
    EXPECT_EQ(r.error().message.find("aaaaaaaaaaaaaaaaaaa"), std::string::npos);
  }
}

TEST(Options, Protocol) {
  EXPECT_TRUE(Good(ValidateProtocol("http")));
  EXPECT_TRUE(Good(ValidateProtocol("https")));
  for (auto v : {"", "HTTP", "ftp", "https "}) EXPECT_TRUE(Bad(ValidateProtocol(v), "--protocol")) << v;
}

TEST(Options, Timeout) {
  EXPECT_EQ(*ParseTimeout("0"), 0);
  EXPECT_EQ(*ParseTimeout("180"), 180);
  EXPECT_EQ(*ParseTimeout("99999"), 99999);
  for (auto v : {"", "100000", "-1", "1.5", "18O"}) EXPECT_TRUE(Bad(ParseTimeout(v), "--timeout")) << v;
}

TEST(Options, Concurrency) {
  EXPECT_EQ(*ParseConcurrency("1"), 1);
  EXPECT_EQ(*ParseConcurrency("30"), 30);
  EXPECT_EQ(*ParseConcurrency("04"), 4);
  for (auto v : {"0", "31", "", "-1", "+3", "3.0", "a", "99999999999999999999999"})
    EXPECT_TRUE(Bad(ParseConcurrency(v), "--concurrency")) << v;
}

TEST(Options, Partsize) {
  for (uint32_t p = 1; p <= 4096; p *= 2) EXPECT_EQ(*ParsePartsize(std::to_string(p)), p);
  for (auto v : {"0", "3", "12", "8192", "-16", "", "16M"}) EXPECT_TRUE(Bad(ParsePartsize(v), "--partsize")) << v;
}

TEST(Options, SegmentSize) {
  EXPECT_EQ(*ParseSegmentSize("0"), 0u);  // ($_ & ($_-1)) == 0 lets zero through
  EXPECT_EQ(*ParseSegmentSize("1"), 1u);
  EXPECT_EQ(*ParseSegmentSize("8192"), 8192u);
  for (auto v : {"3", "6", "", "-2", "x"}) EXPECT_TRUE(Bad(ParseSegmentSize(v), "--segment-size")) << v;
}

TEST(Options, CheckMaxFileSize) {
  EXPECT_EQ(*ParseCheckMaxFileSize("1"), 1u);
  EXPECT_EQ(*ParseCheckMaxFileSize("40960000"), 40960000u);
  for (auto v : {"0", "40960001", "", "-5", "1e3"})
    EXPECT_TRUE(Bad(ParseCheckMaxFileSize(v), "--check-max-file-size")) << v;
  EXPECT_TRUE(Good(CheckMaxFileSizeFitsPartsize(160000, 16)));
  auto r = CheckMaxFileSizeFitsPartsize(200000, 16);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "With current partsize 16MiB and maximum allowed file size 200000MiB, upload might "
            "exceed 10 000 parts. Increase \"--partsize\" or decrease \"--check-max-file-size\"");
}

TEST(Options, MaxNumberOfFiles) {
  EXPECT_EQ(*ParseMaxNumberOfFiles("100"), 100u);
  for (auto v : {"0", "", "ten"}) EXPECT_TRUE(Bad(ParseMaxNumberOfFiles(v), "--max-number-of-files"));
}

TEST(Options, Enumerations) {
  EXPECT_TRUE(Good(ValidateLeafOptimization("0")));
  EXPECT_TRUE(Good(ValidateLeafOptimization("1")));
  for (auto v : {"", "2", "true", "01"}) EXPECT_TRUE(Bad(ValidateLeafOptimization(v), "--leaf-optimization"));
  for (auto v : {"treehash", "mtime", "mtime-and-treehash", "mtime-or-treehash", "always-positive", "size-only"})
    EXPECT_TRUE(Good(ValidateDetect(v))) << v;
  for (auto v : {"", "size", "MTIME", "mtime-and-treehash "}) EXPECT_TRUE(Bad(ValidateDetect(v), "--detect"));
  EXPECT_TRUE(Good(ValidateRequestInventoryFormat("json")));
  EXPECT_TRUE(Good(ValidateRequestInventoryFormat("csv")));
  EXPECT_TRUE(Bad(ValidateRequestInventoryFormat("JSON"), "--request-inventory-format"));
  EXPECT_TRUE(Good(ValidateFormat("for-humans")));
  EXPECT_TRUE(Good(ValidateFormat("mtmsg")));
  EXPECT_TRUE(Bad(ValidateFormat("json"), "--format"));
  for (auto v : {"Expedited", "Standard", "Bulk"}) EXPECT_TRUE(Good(ValidateTier(v)));
  EXPECT_TRUE(Bad(ValidateTier("bulk"), "--tier"));
}

TEST(Options, DirLengthCountsCharacters) {
  EXPECT_TRUE(Good(ValidateDir(std::string(511, 'd'))));
  EXPECT_TRUE(Bad(ValidateDir(std::string(512, 'd')), "--dir"));
  std::string cyrillic;
  for (int i = 0; i < 300; ++i) cyrillic += "\xD0\xAF";  // 600 bytes, 300 characters
  EXPECT_TRUE(Good(ValidateDir(cyrillic)));
}

TEST(Options, Encoding) {
  for (auto v : {"UTF-8", "utf8", "utf-8"}) EXPECT_TRUE(Good(ValidateEncoding(v)));
  EXPECT_FALSE(ValidateEncoding("latin1"));
}

TEST(Options, VaultName) {
  EXPECT_TRUE(Good(ValidateVaultName("compat-set-a")));
  EXPECT_TRUE(Good(ValidateVaultName("a.b_c-D9")));
  EXPECT_TRUE(Good(ValidateVaultName(std::string(255, 'v'))));
  for (const std::string& v : {std::string(), std::string(256, 'v'), std::string("a b"), std::string("a/b")})
    EXPECT_FALSE(ValidateVaultName(v));
}

TEST(Options, Endpoint) {
  for (auto v : {"https://glacier.us-east-1.amazonaws.com", "http://127.0.0.1:9901",
                 "http://localhost:8080/", "https://[::1]:443/base", "http://h"})
    EXPECT_TRUE(Good(ValidateEndpoint(v))) << v;
  for (auto v : {"", "glacier.amazonaws.com", "ftp://x", "http://", "http://a b", "http://h:0",
                 "http://h:65536", "http://h:", "http://h/x?y", "http://[::1"})
    EXPECT_TRUE(Bad(ValidateEndpoint(v), "--endpoint")) << v;
}

TEST(Options, ProfileAndSnsTopic) {
  EXPECT_TRUE(Good(ValidateProfile("default")));
  EXPECT_TRUE(Good(ValidateProfile("my-profile_2")));
  for (auto v : {"", "a b", "[x]"}) EXPECT_TRUE(Bad(ValidateProfile(v), "--profile"));
  EXPECT_TRUE(Good(ValidateSnsTopic("arn:aws:sns:us-east-1:123456789012:my-topic")));
  EXPECT_TRUE(Good(ValidateSnsTopic("arn:aws-cn:sns:cn-north-1:123456789012:t.fifo")));
  for (auto v : {"", "my-topic", "arn:aws:sqs:us-east-1:123456789012:q",
                 "arn:aws:sns:us-east-1:12345:t", "arn:aws:sns:us-east-1:123456789012:",
                 "arn:aws:sns:us-east-1:123456789012:a:b"})
    EXPECT_TRUE(Bad(ValidateSnsTopic(v), "--sns-topic")) << v;
}

TEST(OptionTable, HasEveryOptionOfTheReferenceAndOurs) {
  const OptionTable& t = MtglacierOptions();
  for (auto name :
       {"key", "secret", "region", "token", "protocol", "timeout", "concurrency", "partsize",
        "segment-size", "check-max-file-size", "max-number-of-files", "journal", "new-journal",
        "dir", "vault", "leaf-optimization", "follow", "detect", "new", "replace-modified",
        "delete-removed", "dry-run", "filter", "include", "exclude", "request-inventory-format",
        "format", "filename", "set-rel-filename", "stdin", "terminal-encoding",
        "config-encoding", "filenames-encoding", "journal-encoding", "base-dir", "job-id",
        "config", "endpoint", "profile", "quiet", "tier", "sns-topic", "wait"}) {
    auto m = t.Find(name);
    ASSERT_TRUE(m) << name;
    EXPECT_FALSE(m->via_alias);
    EXPECT_NE(m->def->validate, nullptr);
  }
  std::set<std::string> names;
  for (const OptionDef& d : t.defs()) EXPECT_TRUE(names.insert(d.name).second) << d.name;
  EXPECT_FALSE(t.Find("Key"));  // case-sensitive
  EXPECT_FALSE(t.Find("vault-name"));
}

TEST(OptionTable, FlagsListsDefaultsAliases) {
  const OptionTable& t = MtglacierOptions();
  for (auto f : {"follow", "stdin", "dry-run", "new", "replace-modified", "delete-removed", "quiet", "wait"})
    EXPECT_TRUE(t.Find(f)->def->is_flag) << f;
  for (auto l : {"filter", "include", "exclude"}) EXPECT_TRUE(t.Find(l)->def->is_list) << l;
  EXPECT_FALSE(t.Find("key")->def->is_flag);
  EXPECT_EQ(t.Find("protocol")->def->default_value, "https");
  EXPECT_EQ(t.Find("concurrency")->def->default_value, "4");
  EXPECT_EQ(t.Find("partsize")->def->default_value, "16");
  EXPECT_EQ(t.Find("timeout")->def->default_value, "180");
  EXPECT_EQ(t.Find("detect")->def->default_value, "mtime-and-treehash");
  EXPECT_TRUE(t.Find("secret")->def->secret);
  EXPECT_TRUE(t.Find("token")->def->secret);
  for (auto [alias, canonical] : {std::pair{"to-dir", "dir"}, {"from-dir", "dir"}, {"to-vault", "vault"}}) {
    auto m = t.Find(alias);
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->via_alias);
    EXPECT_EQ(m->def->name, canonical);
  }
  EXPECT_EQ(DeprecatedAliasWarning("from-dir", "dir"), "from-dir deprecated, use dir instead");
  // Table validators reject what the typed parsers reject.
  EXPECT_FALSE(t.Find("partsize")->def->validate("3"));
  EXPECT_TRUE(t.Find("partsize")->def->validate("8"));
  EXPECT_TRUE(t.Find("journal")->def->validate("anything at all"));
}

}  // namespace
}  // namespace mtg::config
