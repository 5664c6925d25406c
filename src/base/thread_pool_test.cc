#include "base/thread_pool.h"

#include <atomic>
#include <chrono>

#include <gtest/gtest.h>

namespace mtg {
namespace {

TEST(ThreadPoolTest, RunsEveryTask) {
  std::atomic<int> sum{0};
  ThreadPool pool(4, 2);
  for (int i = 1; i <= 1000; ++i) ASSERT_TRUE(pool.Submit([&sum, i] { sum += i; }));
  pool.Wait();
  EXPECT_EQ(sum.load(), 500500);
}

TEST(ThreadPoolTest, QueueIsBounded) {
  std::atomic<bool> release{false};
  std::atomic<int> started{0};
  ThreadPool pool(1, 1);
  ASSERT_TRUE(pool.Submit([&] {
    ++started;
    while (!release) std::this_thread::yield();
  }));
  while (started.load() == 0) std::this_thread::yield();
  EXPECT_TRUE(pool.TrySubmit([] {}));   // fills the single queue slot
  EXPECT_FALSE(pool.TrySubmit([] {}));  // no room: the producer would block
  release = true;
  pool.Wait();
}

TEST(ThreadPoolTest, ShutdownDrainsAndRefuses) {
  std::atomic<int> done{0};
  ThreadPool pool(2, 8);
  for (int i = 0; i < 8; ++i) pool.Submit([&] { ++done; });
  pool.Shutdown();
  EXPECT_EQ(done.load(), 8);
  EXPECT_FALSE(pool.Submit([] {}));
  pool.Shutdown();  // idempotent
}

}  // namespace
}  // namespace mtg
