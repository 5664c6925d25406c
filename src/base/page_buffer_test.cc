#include "base/page_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <utility>

namespace mtg {
namespace {

TEST(PageBuffer, RoundsUpAlignsAndMoves) {
  PageBuffer small(100);
  ASSERT_NE(small.data(), nullptr);
  EXPECT_EQ(small.size() % 4096, 0u);
  EXPECT_GE(small.size(), 100u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(small.data()) % 4096, 0u);

  PageBuffer big((size_t{2} << 20) + 1);  // a little over one huge page: two
  ASSERT_NE(big.data(), nullptr);
  EXPECT_EQ(big.size(), size_t{4} << 20);
  std::memset(big.data(), 0xAB, big.size());  // all of it is writable
  EXPECT_EQ(big.data()[big.size() - 1], 0xAB);

  uint8_t* p = big.data();
  PageBuffer moved(std::move(big));
  EXPECT_EQ(moved.data(), p);
  EXPECT_EQ(big.data(), nullptr);  // NOLINT(bugprone-use-after-move): checks the moved-from state
  EXPECT_EQ(big.size(), 0u);
  small = std::move(moved);
  EXPECT_EQ(small.data(), p);
  EXPECT_EQ(small.first(3).size(), 3u);
}

TEST(PageBuffer, DefaultIsEmpty) {
  PageBuffer none;
  EXPECT_EQ(none.data(), nullptr);
  EXPECT_EQ(none.size(), 0u);
}

}  // namespace
}  // namespace mtg
