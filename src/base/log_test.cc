#include "base/log.h"

#include <mutex>
#include <vector>

#include <gtest/gtest.h>

namespace mtg {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClearSecretsForTesting();
    SetLogSink([this](LogLevel, std::string_view m) { lines.emplace_back(m); }, LogLevel::kDebug);
  }
  void TearDown() override {
    SetLogSink(nullptr);
    ClearSecretsForTesting();
  }
  std::vector<std::string> lines;
};

TEST_F(LogTest, RegisteredSecretNeverReachesSink) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  RegisterSecret(secret);
  LogError("config: secret is " + secret + " and again " + secret);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find(secret), std::string::npos);
  EXPECT_NE(lines[0].find("***"), std::string::npos);
}

TEST_F(LogTest, CredentialShapedTextIsRedacted) {
  EXPECT_EQ(Redact("Authorization: AWS4-HMAC-SHA256 Credential=AK/x, Signature=abc\nnext"),
            "Authorization: ***\nnext");
  EXPECT_EQ(Redact("GET /x?X-Amz-Signature=deadbeef&y=1"), "GET /x?X-Amz-Signature=***&y=1");
  EXPECT_EQ(Redact("X-Amz-Security-Token: FQoGZXIvYXdzE"), "X-Amz-Security-Token: ***");
  EXPECT_EQ(Redact("aws_secret_access_key = abcd"), "aws_secret_access_key = ***");
  EXPECT_EQ(Redact("secret=abcdef more"), "secret=*** more");
  EXPECT_EQ(Redact("nothing here"), "nothing here");
}

TEST_F(LogTest, LevelFilters) {
  SetLogSink([this](LogLevel, std::string_view m) { lines.emplace_back(m); }, LogLevel::kWarning);
  LogInfo("quiet");
  LogWarning("loud");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "loud");
}

TEST_F(LogTest, ShortSecretsAreIgnored) {
  RegisterSecret("ab");
  EXPECT_EQ(Redact("abc"), "abc");
}

}  // namespace
}  // namespace mtg
