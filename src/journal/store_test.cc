#include "journal/store.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace mtg::journal::internal {
namespace {

const std::string kIdChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Ids are packed 6 bits a character; every length (whole 4-character blocks and each tail size)
// must unpack to the same id, and a character outside the alphabet anywhere must refuse packing.
TEST(PackIdTest, RoundTripsEveryLengthAndRefusesForeignCharacters) {
  std::mt19937 rng(42);
  for (size_t len = 0; len <= 160; ++len) {
    std::string id;
    for (size_t i = 0; i < len; ++i) id.push_back(kIdChars[rng() % kIdChars.size()]);
    std::string packed;
    ASSERT_TRUE(PackId(id, packed)) << id;
    EXPECT_EQ(packed.size(), PackedSize(len));
    EXPECT_EQ(UnpackId(packed.data(), len), id);
    for (size_t pos = 0; pos < len; pos += 1 + len / 7) {
      for (char bad : {'=', '\0', '\xff', '.', ' '}) {
        std::string foreign = id;
        foreign[pos] = bad;
        std::string out;
        EXPECT_FALSE(PackId(foreign, out)) << "len " << len << " pos " << pos;
      }
    }
  }
}

TEST(PackIdTest, KnownBitLayout) {
  std::string packed;
  ASSERT_TRUE(PackId("BA", packed));  // codes 1, 0 → 000001 000000 → 0x04 0x00
  EXPECT_EQ(packed, std::string("\x04\x00", 2));
  ASSERT_TRUE(PackId("____", packed));  // four 63s → 24 one bits
  EXPECT_EQ(packed, "\xff\xff\xff");
}

}  // namespace
}  // namespace mtg::journal::internal
