#include "http/retry.h"

#include <gtest/gtest.h>

namespace mtg::http {
namespace {

Error HttpError(int status, std::string code = "") {
  Error e(ErrorCode::kHttp, "request failed");
  e.http_status = status;
  e.aws_code = std::move(code);
  return e;
}

TEST(RetryTest, ClassifiesTransientErrors) {
  for (int s : {408, 429, 500, 502, 503, 504}) EXPECT_TRUE(IsRetryable(HttpError(s))) << s;
  for (int s : {400, 403, 404, 409}) EXPECT_FALSE(IsRetryable(HttpError(s))) << s;
  EXPECT_TRUE(IsRetryable(HttpError(400, "ThrottlingException")));
  EXPECT_TRUE(IsRetryable(HttpError(400, "RequestTimeoutException")));
  EXPECT_FALSE(IsRetryable(HttpError(400, "InvalidParameterValueException")));
  EXPECT_TRUE(IsRetryable(Error(ErrorCode::kNetwork, "connection reset")));
  EXPECT_FALSE(IsRetryable(Error(ErrorCode::kIntegrity, "tree hash mismatch")));
  EXPECT_FALSE(IsRetryable(Error(ErrorCode::kIo, "disk full")));
}

TEST(RetryTest, RetriesUntilSuccess) {
  ManualClock clock;
  int calls = 0;
  Result<int> r = WithRetry(RetryPolicy{}, clock, 1, [&]() -> Result<int> {
    if (++calls < 4) return Fail(HttpError(503));
    return 42;
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(calls, 4);
  EXPECT_GT(clock.MonotonicMillis(), 0);  // it waited between attempts
}

TEST(RetryTest, FinalErrorIsNotRetried) {
  ManualClock clock;
  int calls = 0;
  Result<int> r = WithRetry(RetryPolicy{}, clock, 1, [&]() -> Result<int> {
    ++calls;
    return Fail(HttpError(403, "InvalidSignatureException"));
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.error().aws_code, "InvalidSignatureException");
}

TEST(RetryTest, GivesUpAtAttemptLimitAndSaysSo) {
  ManualClock clock;
  RetryPolicy policy;
  policy.max_attempts = 3;
  int calls = 0;
  Result<int> r = WithRetry(policy, clock, 7, [&]() -> Result<int> {
    ++calls;
    return Fail(HttpError(500));
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(calls, 3);
  EXPECT_NE(r.error().message.find("giving up after 3 attempts"), std::string::npos);
}

TEST(RetryTest, RespectsTotalTimeLimit) {
  ManualClock clock;
  RetryPolicy policy;
  policy.max_attempts = 1000;
  policy.total_limit_ms = 60'000;
  int calls = 0;
  Result<int> r = WithRetry(policy, clock, 3, [&]() -> Result<int> {
    ++calls;
    return Fail(Error(ErrorCode::kNetwork, "reset"));
  });
  ASSERT_FALSE(r);
  EXPECT_LE(clock.MonotonicMillis(), 60'000);
  EXPECT_LT(calls, 1000);
}

TEST(RetryTest, DelaysGrowAndStayCapped) {
  ManualClock clock;
  RetryPolicy policy;
  policy.max_attempts = 40;
  policy.total_limit_ms = INT64_MAX / 2;
  Backoff b(policy, clock, 11);
  int64_t previous_cap = 0;
  for (int i = 0; i < 30; ++i) {
    auto d = b.NextDelayMs();
    ASSERT_TRUE(d);
    int64_t cap = std::min<int64_t>(policy.max_delay_ms, policy.initial_delay_ms << std::min(i, 30));
    EXPECT_GE(*d, cap / 2);
    EXPECT_LE(*d, cap);
    EXPECT_GE(cap, previous_cap);
    previous_cap = cap;
  }
}

}  // namespace
}  // namespace mtg::http
