// The one place that decides whether a failed request is tried again, and how long to wait.
// Transient: connection errors and timeouts, HTTP 408, 429, 500, 502, 503, 504, and the AWS codes
// ThrottlingException and RequestTimeoutException (whatever their status). Anything else is final.
// Waits grow exponentially with full jitter, and the whole sequence stops at a total time limit.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>
#include <type_traits>

#include "base/clock.h"
#include "base/result.h"

namespace mtg::http {

struct RetryPolicy {
  int max_attempts = 12;               // including the first
  int64_t initial_delay_ms = 250;
  int64_t max_delay_ms = 30'000;
  int64_t total_limit_ms = 15 * 60'000;  // give up once this much time has passed
};

bool IsTransientStatus(int http_status, std::string_view aws_code);
bool IsRetryable(const Error& error);

// Produces the wait before each retry; nullopt when the policy says stop.
class Backoff {
 public:
  Backoff(const RetryPolicy& policy, Clock& clock, uint64_t seed);
  std::optional<int64_t> NextDelayMs();
  int attempts_made() const { return attempts_; }

 private:
  RetryPolicy policy_;
  Clock& clock_;
  std::mt19937_64 rng_;
  int64_t start_ms_;
  int attempts_ = 1;
};

// Runs attempt() until it succeeds, fails with a non-retryable error, or the policy gives up.
// attempt must return a Result<T>; it is expected to re-sign its request on every call.
template <typename F>
auto WithRetry(const RetryPolicy& policy, Clock& clock, uint64_t seed, F&& attempt)
    -> std::invoke_result_t<F&> {
  Backoff backoff(policy, clock, seed);
  for (;;) {
    auto result = attempt();
    if (result || !IsRetryable(result.error())) return result;
    std::optional<int64_t> delay = backoff.NextDelayMs();
    if (!delay) {
      result.error().Context("giving up after " + std::to_string(backoff.attempts_made()) +
                             " attempts");
      return result;
    }
    clock.SleepMillis(*delay);
  }
}

}  // namespace mtg::http
