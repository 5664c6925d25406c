// Tree hash against a deliberately naive reference (keep every level, pair left to right,
// carry the odd node), with tiny leaves so that deep and ragged trees are cheap to test.
#include "hash/tree_hash.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <utility>

#include "hash/test_data.h"

namespace mtg::hash {
namespace {

Digest Pair(const Digest& a, const Digest& b) {
  std::vector<uint8_t> buf(a.begin(), a.end());
  buf.insert(buf.end(), b.begin(), b.end());
  return Sha256Of(buf);
}

std::vector<Digest> Leaves(std::span<const uint8_t> data, size_t leaf) {
  std::vector<Digest> out;
  for (size_t off = 0; off < data.size(); off += leaf) {
    out.push_back(Sha256Of(data.subspan(off, std::min(leaf, data.size() - off))));
  }
  if (out.empty()) out.push_back(Sha256Of(std::string_view()));
  return out;
}

// Every level of the tree, leaves first.
std::vector<std::vector<Digest>> Levels(std::vector<Digest> level) {
  std::vector<std::vector<Digest>> levels{level};
  while (level.size() > 1) {
    std::vector<Digest> up;
    for (size_t i = 0; i + 1 < level.size(); i += 2) up.push_back(Pair(level[i], level[i + 1]));
    if (level.size() % 2 == 1) up.push_back(level.back());
    level = std::move(up);
    levels.push_back(level);
  }
  return levels;
}

Digest NaiveRoot(std::span<const uint8_t> data, size_t leaf) {
  return Levels(Leaves(data, leaf)).back()[0];
}

TEST(TreeHash, EmptyInputIsSha256OfEmpty) {
  std::string empty_sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  EXPECT_EQ(ToHex(TreeHashOf({})), empty_sha);
  EXPECT_EQ(ToHex(CombineTreeHashes({})), empty_sha);
  DualHash d = Sha256AndTreeHash({});
  EXPECT_EQ(ToHex(d.tree), empty_sha);
  EXPECT_EQ(ToHex(d.sha256), empty_sha);
}

TEST(TreeHash, MatchesNaiveTreeForEverySmallSize) {
  auto data = testing::Generate("i%251", 700);
  for (uint64_t leaf : {1u, 2u, 4u, 16u, 64u}) {
    for (size_t n = 0; n <= data.size(); n += (leaf == 1 ? 1 : 3)) {
      std::span<const uint8_t> d(data.data(), n);
      Digest want = NaiveRoot(d, leaf);
      ASSERT_EQ(TreeHashOf(d, leaf), want) << "leaf " << leaf << " size " << n;
      ASSERT_EQ(Sha256AndTreeHash(d, leaf).tree, want) << "leaf " << leaf << " size " << n;
    }
  }
}

TEST(TreeHash, SmallInputsEqualPlainSha256) {
  auto data = testing::Generate("i%251", kTreeLeafSize);
  for (size_t n : {size_t{1}, size_t{1000}, size_t{kTreeLeafSize}}) {
    std::span<const uint8_t> d(data.data(), n);
    EXPECT_EQ(TreeHashOf(d), Sha256Of(d));
  }
}

TEST(TreeHash, StreamingAnyChunksAndReuseAfterFinal) {
  auto data = testing::Generate("i%251", 5000, 17);
  std::mt19937 rng(7);
  TreeHasher h(32);
  for (int round = 0; round < 20; ++round) {
    size_t n = rng() % data.size();
    std::span<const uint8_t> d(data.data(), n);
    for (size_t pos = 0; pos < n;) {
      size_t take = std::min<size_t>(1 + rng() % 100, n - pos);
      h.Update(d.subspan(pos, take));
      pos += take;
    }
    EXPECT_EQ(h.bytes(), n);
    ASSERT_EQ(h.Final(), NaiveRoot(d, 32)) << "size " << n;
    EXPECT_EQ(h.bytes(), 0u);
  }
}

TEST(TreeHash, DualHasherEqualsSeparateHashes) {
  auto data = testing::Generate("i%251", 3 * kTreeLeafSize + 12345, 99);
  DualHasher dual;
  std::mt19937 rng(3);
  for (size_t pos = 0; pos < data.size();) {
    size_t take = std::min<size_t>(1 + rng() % 300000, data.size() - pos);
    dual.Update(std::span<const uint8_t>(data).subspan(pos, take));
    pos += take;
  }
  EXPECT_EQ(dual.bytes(), data.size());
  DualHash d = dual.Final();
  EXPECT_EQ(d.sha256, Sha256Of(data));
  EXPECT_EQ(d.tree, TreeHashOf(data));
  // Reset by Final(): a second use sees only new input.
  dual.Update(AsBytes("abc"));
  DualHash again = dual.Final();
  EXPECT_EQ(again.sha256, Sha256Of("abc"));
  EXPECT_EQ(again.tree, Sha256Of("abc"));
}

// Leaves of whole 64-byte blocks take the SHA-extension path (two states per block) where the
// CPU has it, others the OpenSSL path: both must agree with the naive tree for any chunking,
// including pieces that end inside a block or exactly on a leaf end.
TEST(TreeHash, DualHasherAnyLeafSizeAndChunking) {
  auto data = testing::Generate("i%251", 20000, 5);
  std::mt19937 rng(11);
  for (uint64_t leaf : {1u, 32u, 64u, 128u, 4096u}) {
    DualHasher dual(leaf);
    for (int round = 0; round < 12; ++round) {
      size_t n = round == 0 ? 0 : rng() % data.size();
      std::span<const uint8_t> d(data.data(), n);
      for (size_t pos = 0; pos < n;) {
        size_t take = std::min<size_t>(rng() % 3 == 0 ? leaf : 1 + rng() % 200, n - pos);
        dual.Update(d.subspan(pos, take));
        pos += take;
      }
      DualHash got = dual.Final();
      ASSERT_EQ(got.sha256, Sha256Of(d)) << "leaf " << leaf << " size " << n;
      ASSERT_EQ(got.tree, NaiveRoot(d, leaf)) << "leaf " << leaf << " size " << n;
    }
  }
}

TEST(CombineTreeHashes, OneIsItselfAndPartsCombineToWhole) {
  Digest x = Sha256Of("x");
  EXPECT_EQ(CombineTreeHashes(std::span<const Digest>(&x, 1)), x);
  auto data = testing::Generate("i%251", 1000, 5);
  const size_t leaf = 8;
  for (size_t part_leaves : {1u, 2u, 4u, 8u, 32u}) {
    for (size_t n = 1; n <= data.size(); n += 37) {
      std::span<const uint8_t> d(data.data(), n);
      std::vector<Digest> parts;
      size_t part = part_leaves * leaf;
      for (size_t off = 0; off < n; off += part) {
        parts.push_back(TreeHashOf(d.subspan(off, std::min(part, n - off)), leaf));
      }
      ASSERT_EQ(CombineTreeHashes(parts), NaiveRoot(d, leaf)) << part_leaves << " " << n;
    }
  }
}

// Tree nodes as leaf ranges [first, end), read off the naive tree's shape.
std::set<std::pair<uint64_t, uint64_t>> NodeRanges(uint64_t n) {
  std::set<std::pair<uint64_t, uint64_t>> nodes;
  std::vector<std::pair<uint64_t, uint64_t>> level;
  for (uint64_t i = 0; i < n; ++i) level.push_back({i, i + 1});
  while (true) {
    nodes.insert(level.begin(), level.end());
    if (level.size() <= 1) break;
    std::vector<std::pair<uint64_t, uint64_t>> up;
    for (size_t i = 0; i + 1 < level.size(); i += 2) up.push_back({level[i].first, level[i + 1].second});
    if (level.size() % 2 == 1) up.push_back(level.back());
    level = std::move(up);
  }
  return nodes;
}

// Brute force over every byte range of small archives: aligned exactly when the range is a
// node of the tree, and then its own tree hash is that node's hash.
TEST(IsTreeHashAligned, EqualsBeingANodeOfTheTree) {
  const uint64_t leaf = 4;
  auto data = testing::Generate("i%251", 23 * leaf + 3);
  for (uint64_t total = 1; total <= data.size(); ++total) {
    uint64_t n = (total + leaf - 1) / leaf;
    auto nodes = NodeRanges(n);
    std::span<const uint8_t> archive(data.data(), total);
    auto leaves = Leaves(archive, leaf);
    auto levels = Levels(leaves);
    std::set<Digest> node_hashes;
    for (const auto& l : levels) node_hashes.insert(l.begin(), l.end());
    for (uint64_t first = 0; first < total; ++first) {
      for (uint64_t last = first; last < total; ++last) {
        bool byte_aligned = first % leaf == 0 && ((last + 1) % leaf == 0 || last + 1 == total);
        bool is_node = byte_aligned &&
                       nodes.count({first / leaf, (last + leaf) / leaf}) == 1;
        ASSERT_EQ(IsTreeHashAligned(first, last, total, leaf), is_node)
            << "total " << total << " range " << first << "-" << last;
        if (is_node) {
          Digest range_hash = TreeHashOf(archive.subspan(first, last + 1 - first), leaf);
          ASSERT_EQ(node_hashes.count(range_hash), 1u);
          ASSERT_EQ(TreeHashOfLeafRange(leaves, first / leaf, (last + leaf) / leaf - first / leaf),
                    range_hash);
        }
      }
    }
  }
}

// The rules as glacier-service.md §1.4 states them, in MiB with the real leaf size.
TEST(IsTreeHashAligned, GlacierRules) {
  const uint64_t M = kTreeLeafSize;
  const uint64_t total = 100 * M + 5;  // 101 leaves, the last one 5 bytes
  // Megabyte-aligned is necessary.
  EXPECT_FALSE(IsTreeHashAligned(1, M, total));
  EXPECT_FALSE(IsTreeHashAligned(0, M - 2, total));
  // An odd start (in MiB) allows only one leaf.
  EXPECT_TRUE(IsTreeHashAligned(3 * M, 4 * M - 1, total));
  EXPECT_FALSE(IsTreeHashAligned(3 * M, 5 * M - 1, total));
  // Start 12 = 4·3: 1, 2 and 4 MiB are nodes, 8 MiB and odd sizes are not.
  EXPECT_TRUE(IsTreeHashAligned(12 * M, 13 * M - 1, total));
  EXPECT_TRUE(IsTreeHashAligned(12 * M, 14 * M - 1, total));
  EXPECT_TRUE(IsTreeHashAligned(12 * M, 16 * M - 1, total));
  EXPECT_FALSE(IsTreeHashAligned(12 * M, 20 * M - 1, total));
  EXPECT_FALSE(IsTreeHashAligned(12 * M, 15 * M - 1, total));
  // The whole archive, and the tail nodes that end at its end.
  EXPECT_TRUE(IsTreeHashAligned(0, total - 1, total));
  EXPECT_TRUE(IsTreeHashAligned(100 * M, total - 1, total));  // the short last leaf
  EXPECT_TRUE(IsTreeHashAligned(96 * M, total - 1, total));   // 5 leaves under the 8-node at 96
  EXPECT_FALSE(IsTreeHashAligned(98 * M, total - 1, total));  // 3 leaves: needs start % 4 == 0
  EXPECT_TRUE(IsTreeHashAligned(64 * M, total - 1, total));   // 37 leaves under the 64-node
  EXPECT_FALSE(IsTreeHashAligned(32 * M, total - 1, total));
  // Out of bounds, reversed, and empty archives.
  EXPECT_FALSE(IsTreeHashAligned(0, total, total));
  EXPECT_FALSE(IsTreeHashAligned(2 * M, M, total));
  EXPECT_FALSE(IsTreeHashAligned(0, 0, 0));
  // A power-of-two range inside the archive must still be a full node.
  EXPECT_TRUE(IsTreeHashAligned(64 * M, 96 * M - 1, total));
  EXPECT_FALSE(IsTreeHashAligned(64 * M, 100 * M - 1, total));
}

}  // namespace
}  // namespace mtg::hash
