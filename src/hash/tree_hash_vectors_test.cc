// Known answers from /work/shared/vectors/treehash.json (made with botocore and two
// independent implementations) and from mt-aws-glacier 1.120 (reference §7.1).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "hash/sha256.h"
#include "hash/test_data.h"
#include "hash/tree_hash.h"

namespace mtg::hash {
namespace {

using testing::Generate;

const nlohmann::json& Vectors() {
  static const nlohmann::json doc = [] {
    std::string path = testing::SharedDir() + "/vectors/treehash.json";
    std::ifstream in(path);
    if (!in) {
      ADD_FAILURE() << "cannot open " << path;
      return nlohmann::json::object();
    }
    return nlohmann::json::parse(in);
  }();
  return doc;
}

Digest D(const nlohmann::json& hex) {
  Digest d{};
  EXPECT_TRUE(FromHex(hex.get<std::string>(), &d)) << hex;
  return d;
}

// Feeds data in random-sized pieces, from 1 byte to a bit over two leaves, many tiny.
template <typename Hasher>
void FeedRandomly(Hasher& h, std::span<const uint8_t> data, uint32_t seed) {
  std::mt19937_64 rng(seed);
  while (!data.empty()) {
    uint64_t n;
    switch (rng() % 4) {
      case 0: n = 1 + rng() % 64; break;
      case 1: n = 1 + rng() % 70000; break;
      case 2: n = kTreeLeafSize; break;
      default: n = 1 + rng() % (2 * kTreeLeafSize + 100); break;
    }
    n = std::min<uint64_t>(n, data.size());
    h.Update(data.first(n));
    data = data.subspan(n);
  }
}

TEST(TreeHashVectors, FileHasTheDocumentedShape) {
  const auto& v = Vectors();
  ASSERT_EQ(v.at("leaf_size").get<uint64_t>(), kTreeLeafSize);
  EXPECT_EQ(v.at("cases").size(), 48u);
  EXPECT_EQ(v.at("part_cases").size(), 4u);
}

// Every whole-input case, big ones included: one-shot, streaming, dual, and leaf count.
TEST(TreeHashVectors, EveryCase) {
  int checked = 0;
  for (const auto& c : Vectors().at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    uint64_t size = c.at("size");
    auto data = Generate(c.at("generator").get<std::string>(), size);
    Digest tree = D(c.at("treehash"));
    Digest sha = D(c.at("sha256"));
    EXPECT_EQ(c.at("leaves").get<uint64_t>(), (size + kTreeLeafSize - 1) / kTreeLeafSize);

    EXPECT_EQ(TreeHashOf(data), tree);
    EXPECT_EQ(Sha256Of(data), sha);
    DualHash both = Sha256AndTreeHash(data);
    EXPECT_EQ(both.tree, tree);
    EXPECT_EQ(both.sha256, sha);

    TreeHasher streamed;
    FeedRandomly(streamed, data, static_cast<uint32_t>(size));
    EXPECT_EQ(streamed.bytes(), size);
    EXPECT_EQ(streamed.Final(), tree);

    DualHasher dual;
    FeedRandomly(dual, data, static_cast<uint32_t>(size) + 1);
    DualHash d = dual.Final();
    EXPECT_EQ(d.tree, tree);
    EXPECT_EQ(d.sha256, sha);
    ++checked;
  }
  EXPECT_EQ(checked, 48);
}

// Parts of 1 MiB × 2^k: each part's hashes from its slice, and the parts combine to the whole.
TEST(TreeHashVectors, EveryPartCase) {
  for (const auto& c : Vectors().at("part_cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    uint64_t size = c.at("size");
    uint64_t part_size = c.at("part_size");
    std::string gen = c.at("generator");
    auto whole = Generate(gen, size);
    const auto& tree_hexes = c.at("part_treehashes");
    const auto& sha_hexes = c.at("part_sha256s");
    const auto& ranges = c.at("part_content_ranges");
    ASSERT_EQ(tree_hexes.size(), c.at("part_count").get<size_t>());
    ASSERT_EQ((size + part_size - 1) / part_size, tree_hexes.size());

    std::vector<Digest> given, computed;
    for (size_t k = 0; k < tree_hexes.size(); ++k) {
      uint64_t offset = k * part_size;
      uint64_t len = std::min(part_size, size - offset);
      EXPECT_EQ(ranges[k].get<std::string>(), "bytes " + std::to_string(offset) + "-" +
                                                  std::to_string(offset + len - 1) + "/*");
      // The generator with an offset is the same bytes as a slice of the whole archive.
      auto part = Generate(gen, len, offset);
      ASSERT_TRUE(std::equal(part.begin(), part.end(), whole.begin() + offset));
      DualHash h = Sha256AndTreeHash(part);
      EXPECT_EQ(h.tree, D(tree_hexes[k])) << "part " << k;
      EXPECT_EQ(h.sha256, D(sha_hexes[k])) << "part " << k;
      given.push_back(D(tree_hexes[k]));
      computed.push_back(h.tree);
    }
    EXPECT_EQ(CombineTreeHashes(given), D(c.at("treehash")));
    EXPECT_EQ(CombineTreeHashes(computed), D(c.at("treehash")));
    DualHash all = Sha256AndTreeHash(whole);
    EXPECT_EQ(all.tree, D(c.at("treehash")));
    EXPECT_EQ(all.sha256, D(c.at("sha256")));
  }
}

// A part is a node of the archive's tree, so it is also a tree-hash-aligned leaf range.
TEST(TreeHashVectors, PartsAreAlignedLeafRanges) {
  for (const auto& c : Vectors().at("part_cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    uint64_t size = c.at("size");
    uint64_t part_size = c.at("part_size");
    auto whole = Generate(c.at("generator").get<std::string>(), size);
    std::vector<Digest> leaves;
    for (uint64_t off = 0; off < size; off += kTreeLeafSize) {
      leaves.push_back(Sha256Of(std::span<const uint8_t>(whole).subspan(
          off, std::min(kTreeLeafSize, size - off))));
    }
    uint64_t per_part = part_size / kTreeLeafSize;
    for (size_t k = 0; k < c.at("part_count").get<size_t>(); ++k) {
      uint64_t first = k * part_size;
      uint64_t last = std::min(first + part_size, size) - 1;
      EXPECT_TRUE(IsTreeHashAligned(first, last, size)) << "part " << k;
      size_t count = std::min<size_t>(per_part, leaves.size() - k * per_part);
      EXPECT_EQ(TreeHashOfLeafRange(leaves, k * per_part, count),
                D(c.at("part_treehashes")[k])) << "part " << k;
    }
    EXPECT_EQ(TreeHashOfLeafRange(leaves, 0, leaves.size()), D(c.at("treehash")));
  }
}

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

// mt-aws-glacier 1.120 reference §7.1, computed with its TreeHash.pm.
TEST(TreeHashVectors, MtAwsGlacierReference) {
  std::string abc;
  for (int i = 0; i < 1000000; ++i) abc += "abc";
  struct Case {
    std::vector<uint8_t> data;
    const char* tree;
  } cases[] = {
      {Bytes("a"), "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"},
      {std::vector<uint8_t>(1048576, 'a'),
       "9bc1b2a288b26af7257a36277ae3816a7d4f16e89c1e7e77d0a5c48bad62b360"},
      {std::vector<uint8_t>(1048577, 'a'),
       "8dd49bbc6297567fac3852c2deddcdbc57358bc403c10d4f6dc64b143ad9b27b"},
      {std::vector<uint8_t>(3145728, 0),
       "ca6cc129a4514ec765de86a4e7a49adf44842c9cac213c383ebe4071271bdf21"},
      {std::vector<uint8_t>(5242879, 0),
       "aee7f82120fdbbef0c2de7e899f50c55dcc95f932e8df255822c3804c9f8d511"},
      {Bytes(abc), "e29566c27f5a355fdccfaeb2f70ab03e9c07b2b87a6bc18449e034ad76604640"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ToHex(TreeHashOf(c.data)), c.tree) << c.data.size() << " bytes";
    EXPECT_EQ(ToHex(Sha256AndTreeHash(c.data).tree), c.tree) << c.data.size() << " bytes";
  }
}

}  // namespace
}  // namespace mtg::hash
