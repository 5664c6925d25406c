// Injectable time: wall-clock seconds (journal records, SigV4 dates, job expiry) and a
// monotonic clock (timeouts, backoff, progress rates). Tests pin both with ManualClock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace mtg {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the UNIX epoch, UTC.
  virtual int64_t NowUnix() const = 0;
  // Milliseconds on a clock that never goes back; only differences mean anything.
  virtual int64_t MonotonicMillis() const = 0;
  // Sleeps (real or simulated) for the given time.
  virtual void SleepMillis(int64_t ms) = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowUnix() const override;
  int64_t MonotonicMillis() const override;
  void SleepMillis(int64_t ms) override;
  // The process-wide instance, for code that has no clock injected.
  static SystemClock& Instance();
};

// A clock that only moves when told to; SleepMillis advances it instead of blocking.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t unix_seconds = 1355566755) : unix_ms_(unix_seconds * 1000) {}
  int64_t NowUnix() const override { return unix_ms_.load() / 1000; }
  int64_t MonotonicMillis() const override { return mono_ms_.load(); }
  void SleepMillis(int64_t ms) override { Advance(ms); }
  void Advance(int64_t ms) {
    unix_ms_ += ms;
    mono_ms_ += ms;
  }
  void SetUnix(int64_t unix_seconds) { unix_ms_ = unix_seconds * 1000; }

 private:
  std::atomic<int64_t> unix_ms_;
  std::atomic<int64_t> mono_ms_{0};
};

}  // namespace mtg
