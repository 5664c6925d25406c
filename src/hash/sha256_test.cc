#include "hash/sha256.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace mtg::hash {
namespace {

std::vector<uint8_t> Repeat(uint8_t byte, size_t n) { return std::vector<uint8_t>(n, byte); }

TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::string million(1000000, 'a');
  EXPECT_EQ(Sha256Hex(million), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalEqualsOneShotAndResetsAfterFinal) {
  std::string data;
  for (int i = 0; i < 5000; ++i) data.push_back(static_cast<char>(i * 7));
  Sha256 h;
  for (size_t pos = 0, step = 1; pos < data.size(); pos += step, step = step * 3 % 97 + 1) {
    h.Update(std::string_view(data).substr(pos, step));
  }
  EXPECT_EQ(h.Final(), Sha256Of(data));
  // Final() left the hasher fresh: a second use hashes only the new input.
  h.Update("abc");
  EXPECT_EQ(ToHex(h.Final()), Sha256Hex("abc"));
  EXPECT_EQ(ToHex(h.Final()), Sha256Hex(""));
}

TEST(Sha256, MoveKeepsState) {
  Sha256 a;
  a.Update("ab");
  Sha256 b(std::move(a));
  b.Update("c");
  Sha256 c;
  c = std::move(b);
  EXPECT_EQ(ToHex(c.Final()), Sha256Hex("abc"));
}

TEST(Sha256, ThreadsHashIndependently) {
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &results] {
      std::string input(1000 + t, static_cast<char>('a' + t));
      for (int i = 0; i < 200; ++i) results[t] = Sha256Hex(input);
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(results[t], Sha256Hex(std::string(1000 + t, static_cast<char>('a' + t))));
  }
}

TEST(Hex, RoundTripAndRejects) {
  Digest d = Sha256Of("abc");
  Digest back{};
  ASSERT_TRUE(FromHex(ToHex(d), &back));
  EXPECT_EQ(back, d);
  std::string upper = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
  ASSERT_TRUE(FromHex(upper, &back));
  EXPECT_EQ(back, d);
  Digest untouched = back;
  EXPECT_FALSE(FromHex(upper.substr(1), &back));
  EXPECT_FALSE(FromHex(upper + "0", &back));
  EXPECT_FALSE(FromHex("", &back));
  std::string bad = upper;
  bad[10] = 'g';
  EXPECT_FALSE(FromHex(bad, &back));
  EXPECT_EQ(back, untouched);
}

// RFC 4231 §4.2–4.8.
TEST(HmacSha256, Rfc4231) {
  struct Case {
    std::vector<uint8_t> key;
    std::string data;
    std::string mac;
  };
  std::vector<uint8_t> key4;
  for (uint8_t i = 1; i <= 25; ++i) key4.push_back(i);
  std::vector<Case> cases = {
      {Repeat(0x0b, 20), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {{'J', 'e', 'f', 'e'}, "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {Repeat(0xaa, 20), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {key4, std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      // §4.6 publishes only the first 128 bits; the test compares that prefix.
      {Repeat(0x0c, 20), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b"},
      {Repeat(0xaa, 131), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {Repeat(0xaa, 131),
       "This is a test using a larger than block-size key and a larger than block-size data. "
       "The key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    std::string mac = ToHex(HmacSha256(c.key, c.data));
    EXPECT_EQ(mac.substr(0, c.mac.size()), c.mac) << "RFC 4231 case " << i + 1;
  }
}

TEST(HmacSha256, KeyOfExactlyOneBlockIsNotHashed) {
  // A 64-byte key is used as is; a 65-byte one is hashed first. Both paths must differ.
  std::vector<uint8_t> k64(64, 0x42), k65(65, 0x42);
  EXPECT_NE(HmacSha256(k64, "x"), HmacSha256(k65, "x"));
  Digest hashed = Sha256Of(std::span<const uint8_t>(k65));
  EXPECT_EQ(HmacSha256(k65, "x"), HmacSha256(hashed, "x"));
}

TEST(HmacSha256, EmptyKeyAndData) {
  EXPECT_EQ(ToHex(HmacSha256(std::span<const uint8_t>(), "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

}  // namespace
}  // namespace mtg::hash
