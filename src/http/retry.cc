#include "http/retry.h"

#include <algorithm>

namespace mtg::http {

bool IsTransientStatus(int http_status, std::string_view aws_code) {
  if (aws_code == "ThrottlingException" || aws_code == "RequestTimeoutException" ||
      aws_code == "ServiceUnavailableException" || aws_code == "SlowDown") {
    return true;
  }
  switch (http_status) {
    case 408: case 429: case 500: case 502: case 503: case 504:
      return true;
    default:
      return false;
  }
}

bool IsRetryable(const Error& error) {
  switch (error.code) {
    case ErrorCode::kNetwork:
      return true;
    case ErrorCode::kHttp:
      return IsTransientStatus(error.http_status, error.aws_code);
    default:
      return false;
  }
}

Backoff::Backoff(const RetryPolicy& policy, Clock& clock, uint64_t seed)
    : policy_(policy), clock_(clock), rng_(seed), start_ms_(clock.MonotonicMillis()) {}

std::optional<int64_t> Backoff::NextDelayMs() {
  if (attempts_ >= policy_.max_attempts) return std::nullopt;
  int shift = std::min(attempts_ - 1, 30);
  int64_t cap = std::min(policy_.max_delay_ms, policy_.initial_delay_ms << shift);
  std::uniform_int_distribution<int64_t> dist(cap / 2, cap);  // "equal jitter": never near zero
  int64_t delay = dist(rng_);
  int64_t elapsed = clock_.MonotonicMillis() - start_ms_;
  if (elapsed + delay > policy_.total_limit_ms) return std::nullopt;
  ++attempts_;
  return delay;
}

}  // namespace mtg::http
