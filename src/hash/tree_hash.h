// The Glacier SHA-256 tree hash: SHA-256 of each 1 MiB leaf, then adjacent pairs hashed
// together level by level, an odd last node carried up unchanged. Streaming (any chunk sizes),
// combination of part tree hashes, ranges, and a one-pass plain SHA-256 + tree hash.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "hash/sha256.h"
#include "hash/sha256_ni.h"

namespace mtg::hash {

inline constexpr uint64_t kTreeLeafSize = 1024 * 1024;

// Combines hashes of consecutive equal-sized, power-of-two-leaf subtrees (parts of
// 1 MiB × 2^k, or leaves) into the root. One hash returns itself. Empty input: SHA-256 of "".
Digest CombineTreeHashes(std::span<const Digest> nodes);

// Streaming tree hash. Memory: one digest per tree level (O(log n)), never the leaves list;
// the hasher itself allocates nothing after construction (OpenSSL mallocs a small state per
// digest, see sha256.cc).
class TreeHasher {
 public:
  // leaf_size is 1 MiB in production; tests may use a smaller power of two. Any other value is
  // a programming error and aborts.
  explicit TreeHasher(uint64_t leaf_size = kTreeLeafSize);
  void Update(std::span<const uint8_t> data);
  // Root of everything fed so far (SHA-256 of "" when nothing was fed). Resets the hasher.
  Digest Final();
  // Bytes fed since construction or the last Final().
  uint64_t bytes() const { return bytes_; }
  // Adds a complete leaf hashed elsewhere (DualHasher's SHA-extension path), size bytes long.
  // Only between whole leaves; the leaf must be full unless it is the last.
  void AddLeaf(const Digest& leaf, uint64_t size) {
    bytes_ += size;
    PushLeaf(leaf);
  }

 private:
  void PushLeaf(const Digest& leaf);
  uint64_t leaf_size_;
  uint64_t bytes_ = 0;
  uint64_t in_leaf_ = 0;
  Sha256 leaf_;  // the leaf being filled; also hashes node pairs between leaves
  // Like a binary counter of leaves: stack_[i] holds a pending complete subtree of 2^i leaves
  // when bit i of pending_ is set. 64 levels cover any 64-bit size.
  std::array<Digest, 64> stack_;
  uint64_t pending_ = 0;
};

Digest TreeHashOf(std::span<const uint8_t> data, uint64_t leaf_size = kTreeLeafSize);

// Both hashes an upload needs (x-amz-content-sha256 and x-amz-sha256-tree-hash) from one pass
// over the buffer: each slice of a leaf goes to both hashers while it is hot in cache.
struct DualHash {
  Digest sha256;
  Digest tree;
};
DualHash Sha256AndTreeHash(std::span<const uint8_t> data, uint64_t leaf_size = kTreeLeafSize);

// Streaming form of the above, for parts fed in pieces (any sizes). Where the CPU has the SHA
// extensions (and leaves are whole blocks), both hashes advance together over each block: one
// message schedule, two states (see sha256_ni.h); otherwise OpenSSL hashes each slice twice.
class DualHasher {
 public:
  explicit DualHasher(uint64_t leaf_size = kTreeLeafSize);
  void Update(std::span<const uint8_t> data);
  // Both digests of everything fed so far; resets the hasher.
  DualHash Final();
  uint64_t bytes() const { return fast_ ? total_ : tree_.bytes(); }

 private:
  void FinishLeaf();
  uint64_t leaf_size_;
  bool fast_;
  // OpenSSL path.
  Sha256 linear_;
  TreeHasher tree_;  // on the fast path only its stack of subtrees is used (AddLeaf)
  // Fast path: the plain and the current leaf's state, and the partial block both still need.
  ni::State linear_state_;
  ni::State leaf_state_;
  uint64_t total_ = 0;
  uint64_t in_leaf_ = 0;  // bytes of the current leaf, the partial block included
  uint8_t block_[64];
  size_t buffered_ = 0;   // bytes in block_ (total_ % 64)
};

// True when the byte range [first, last] (inclusive, as in HTTP ranges) of an archive of
// total_size bytes is tree-hash aligned: its tree hash is a node of the archive's tree, so a
// service returns x-amz-sha256-tree-hash for it (Glacier's definition). In leaves, the
// nodes are [i·2^k, min((i+1)·2^k, n)): a range must start on a multiple of 2^k leaves and
// span 2^k leaves, or fewer when it ends at the archive's end. False for empty or
// out-of-bounds ranges.
bool IsTreeHashAligned(uint64_t first, uint64_t last, uint64_t total_size,
                       uint64_t leaf_size = kTreeLeafSize);

// Tree hash of leaves [first_leaf, first_leaf + count) given all leaf hashes of an archive.
// The range must lie inside leaves and count must be ≥ 1 (a programming error otherwise:
// aborts). For an aligned range this is the node the service reports for it.
Digest TreeHashOfLeafRange(std::span<const Digest> leaves, size_t first_leaf, size_t count);

}  // namespace mtg::hash
