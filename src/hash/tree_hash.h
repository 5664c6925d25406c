// The Glacier SHA-256 tree hash: SHA-256 of each 1 MiB leaf, then adjacent pairs hashed
// together level by level, an odd last node carried up unchanged. Streaming (any chunk sizes),
// combination of part tree hashes, ranges, and a one-pass plain SHA-256 + tree hash.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hash/sha256.h"

namespace mtg::hash {

inline constexpr uint64_t kTreeLeafSize = 1024 * 1024;

// Combines hashes of consecutive equal-sized, power-of-two-leaf subtrees (parts of
// 1 MiB × 2^k, or leaves) into the root. One hash returns itself. Empty input: SHA-256 of "".
Digest CombineTreeHashes(std::span<const Digest> nodes);

// Streaming tree hash. Memory: one digest per tree level (O(log n)), never the leaves list.
class TreeHasher {
 public:
  // leaf_size is 1 MiB in production; tests may use a smaller power of two.
  explicit TreeHasher(uint64_t leaf_size = kTreeLeafSize);
  void Update(std::span<const uint8_t> data);
  // Root of everything fed so far (SHA-256 of "" when nothing was fed). Resets the hasher.
  Digest Final();
  uint64_t bytes() const { return bytes_; }

 private:
  void PushLeaf(const Digest& leaf);
  uint64_t leaf_size_;
  uint64_t bytes_ = 0;
  uint64_t in_leaf_ = 0;
  Sha256 leaf_;
  // stack_[i] holds a pending complete subtree of 2^i leaves, if has_[i].
  std::vector<Digest> stack_;
  std::vector<bool> has_;
};

Digest TreeHashOf(std::span<const uint8_t> data, uint64_t leaf_size = kTreeLeafSize);

// Both hashes an upload needs (x-amz-content-sha256 and x-amz-sha256-tree-hash) from one pass
// over the buffer, each leaf hashed while it is hot in cache.
struct DualHash {
  Digest sha256;
  Digest tree;
};
DualHash Sha256AndTreeHash(std::span<const uint8_t> data, uint64_t leaf_size = kTreeLeafSize);

// Streaming form of the above, for parts fed in pieces.
class DualHasher {
 public:
  explicit DualHasher(uint64_t leaf_size = kTreeLeafSize) : tree_(leaf_size) {}
  void Update(std::span<const uint8_t> data);
  DualHash Final();

 private:
  Sha256 linear_;
  TreeHasher tree_;
};

// True when the byte range [first, last] (inclusive, as in HTTP ranges) of an archive of
// total_size bytes is tree-hash aligned: its tree hash is a node of the archive's tree, so a
// service may return it for the range (Glacier's definition).
bool IsTreeHashAligned(uint64_t first, uint64_t last, uint64_t total_size,
                       uint64_t leaf_size = kTreeLeafSize);

// Tree hash of leaves [first_leaf, first_leaf + count) given all leaf hashes of an archive.
Digest TreeHashOfLeafRange(std::span<const Digest> leaves, size_t first_leaf, size_t count);

}  // namespace mtg::hash
