#include "faults.h"

#include <gtest/gtest.h>

#include <vector>

namespace mtg::server {
namespace {

TEST(FaultSpec, EmptyMeansNoRules) {
  auto rules = ParseFaultSpec("");
  ASSERT_TRUE(rules.has_value());
  EXPECT_TRUE(rules->empty());
}

TEST(FaultSpec, ParsesTheDocumentedExample) {
  auto rules =
      ParseFaultSpec("upload-part:0.2:500,get-job-output:0.1:corrupt,*:0.05:reset,*:0.1:slow=200ms");
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  ASSERT_EQ(rules->size(), 4u);
  EXPECT_EQ((*rules)[0].operation, "upload-part");
  EXPECT_DOUBLE_EQ((*rules)[0].rate, 0.2);
  EXPECT_EQ((*rules)[0].action, FaultAction::kError);
  EXPECT_EQ((*rules)[0].status, 500);
  EXPECT_EQ((*rules)[0].aws_code, "ServiceUnavailableException");
  EXPECT_EQ((*rules)[1].action, FaultAction::kCorrupt);
  EXPECT_EQ((*rules)[2].operation, "*");
  EXPECT_EQ((*rules)[2].action, FaultAction::kReset);
  EXPECT_EQ((*rules)[3].action, FaultAction::kNone);
  EXPECT_EQ((*rules)[3].delay_ms, 200);
}

TEST(FaultSpec, ErrorActionsMapToServiceCodes) {
  auto rules = ParseFaultSpec("*:1:503,*:1:408,*:1:throttle,*:1:slow=2s,*:.5:500");
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  EXPECT_EQ((*rules)[0].status, 503);
  EXPECT_EQ((*rules)[1].status, 408);
  EXPECT_EQ((*rules)[1].aws_code, "RequestTimeoutException");
  EXPECT_EQ((*rules)[2].status, 400);
  EXPECT_EQ((*rules)[2].aws_code, "ThrottlingException");
  EXPECT_EQ((*rules)[3].delay_ms, 2000);
  EXPECT_DOUBLE_EQ((*rules)[4].rate, 0.5);
}

TEST(FaultSpec, ErrorsNameTheBadToken) {
  struct Case {
    const char* spec;
    const char* needle;
  };
  const Case cases[] = {
      {"upload-prt:0.2:500", "unknown operation 'upload-prt'"},
      {"upload-part:1.5:500", "bad rate '1.5'"},
      {"upload-part:-0.1:500", "bad rate '-0.1'"},
      {"upload-part:abc:500", "bad rate 'abc'"},
      {"upload-part:.:500", "bad rate '.'"},
      {"upload-part:0.2:404", "unknown action '404'"},
      {"upload-part:0.2", "expected OP:RATE:ACTION"},
      {"upload-part:0.2:500:x", "got 4 field(s)"},
      {"*:0.1:slow=200", "bad duration '200'"},
      {"*:0.1:slow=ms", "bad duration 'ms'"},
      {"*:0.1:slow=2h", "bad duration '2h'"},
      {"upload-part:0.1:corrupt", "corrupt' applies only to get-job-output"},
      {"*:0.1:500,,*:0.1:503", "rule 2 ''"},
      {"*:0.1:500,", "rule 2"},
  };
  for (const Case& c : cases) {
    auto rules = ParseFaultSpec(c.spec);
    ASSERT_FALSE(rules.has_value()) << c.spec;
    EXPECT_EQ(rules.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(rules.error().message.find(c.needle), std::string::npos)
        << c.spec << " -> " << rules.error().message;
  }
}

TEST(FaultSpec, HelpMentionsEveryAction) {
  std::string_view help = FaultSpecHelp();
  for (std::string_view word : {"500", "503", "408", "throttle", "reset", "slow=", "corrupt"}) {
    EXPECT_NE(help.find(word), std::string_view::npos) << word;
  }
  for (std::string_view op : kFaultOperations) {
    EXPECT_NE(help.find(op), std::string_view::npos) << op;
  }
}

std::vector<FaultDecision> Decisions(const char* spec, uint64_t seed, std::string_view op, int n) {
  FaultInjector injector(ParseFaultSpec(spec).value(), seed);
  std::vector<FaultDecision> out;
  for (int i = 0; i < n; ++i) out.push_back(injector.Decide(op));
  return out;
}

TEST(FaultInjector, SameSeedSameFaults) {
  auto a = Decisions("*:0.3:500,*:0.2:slow=10ms", 42, "upload-part", 200);
  auto b = Decisions("*:0.3:500,*:0.2:slow=10ms", 42, "upload-part", 200);
  auto c = Decisions("*:0.3:500,*:0.2:slow=10ms", 43, "upload-part", 200);
  bool differs = false;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].action, b[i].action);
    EXPECT_EQ(a[i].delay_ms, b[i].delay_ms);
    differs |= a[i].action != c[i].action;
  }
  EXPECT_TRUE(differs);
}

TEST(FaultInjector, RateIsRoughlyHonoured) {
  auto d = Decisions("upload-part:0.2:500", 7, "upload-part", 10000);
  int hits = 0;
  for (const auto& x : d) hits += x.action == FaultAction::kError;
  EXPECT_GT(hits, 1800);
  EXPECT_LT(hits, 2200);
}

TEST(FaultInjector, RateZeroAndOne) {
  for (const auto& x : Decisions("*:0:500", 1, "list-vaults", 500)) EXPECT_FALSE(x.Any());
  for (const auto& x : Decisions("*:1:throttle", 1, "list-vaults", 500)) {
    EXPECT_EQ(x.action, FaultAction::kError);
    EXPECT_EQ(x.status, 400);
    EXPECT_EQ(x.aws_code, "ThrottlingException");
  }
}

TEST(FaultInjector, OnlyTheNamedOperationIsHit) {
  for (const auto& x : Decisions("upload-part:1:500", 1, "upload-archive", 100)) EXPECT_FALSE(x.Any());
  for (const auto& x : Decisions("*:1:corrupt", 1, "describe-job", 100)) EXPECT_FALSE(x.Any());
  for (const auto& x : Decisions("*:1:corrupt", 1, "get-job-output", 100)) {
    EXPECT_EQ(x.action, FaultAction::kCorrupt);
  }
}

TEST(FaultInjector, FirstTerminalRuleWinsAndSlowAccumulates) {
  auto d = Decisions("*:1:slow=5ms,*:1:408,*:1:500,*:1:slow=1s", 1, "upload-part", 3);
  for (const auto& x : d) {
    EXPECT_EQ(x.status, 408);
    EXPECT_EQ(x.delay_ms, 1005);
  }
}

TEST(FaultInjector, AddingARuleDoesNotShiftOthers) {
  auto a = Decisions("upload-part:0.5:500", 9, "upload-part", 300);
  auto b = Decisions("upload-part:0.5:500,*:0.5:slow=1ms", 9, "upload-part", 300);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].action, b[i].action) << i;
}

TEST(FaultInjector, CorruptFlipsExactlyOneByte) {
  auto d = Decisions("get-job-output:1:corrupt", 3, "get-job-output", 1);
  std::vector<uint8_t> body(1000, 7);
  FaultInjector::CorruptBody(d[0], body);
  int changed = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != 7) {
      ++changed;
      EXPECT_EQ(i, FaultInjector::CorruptOffset(d[0], body.size()));
    }
  }
  EXPECT_EQ(changed, 1);
  std::vector<uint8_t> empty;
  FaultInjector::CorruptBody(d[0], empty);  // no crash
}

}  // namespace
}  // namespace mtg::server
