#include "base/hex.h"

#include <gtest/gtest.h>

namespace mtg {
namespace {

TEST(HexTest, RoundTrip) {
  EXPECT_EQ(HexEncode(std::string_view("\x00\x7f\xff", 3)), "007fff");
  auto bytes = HexDecode("007FfF");
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, (std::vector<uint8_t>{0x00, 0x7f, 0xff}));
}

TEST(HexTest, RejectsBadInput) {
  EXPECT_FALSE(HexDecode("abc"));
  EXPECT_FALSE(HexDecode("zz"));
}

TEST(HexTest, IsLowerHex) {
  EXPECT_TRUE(IsLowerHex("0a", 2));
  EXPECT_FALSE(IsLowerHex("0A", 2));
  EXPECT_FALSE(IsLowerHex("0a", 3));
}

}  // namespace
}  // namespace mtg
