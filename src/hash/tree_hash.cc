#include "hash/tree_hash.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>

namespace mtg::hash {
namespace {

// How much of a leaf goes to the plain hasher before the same bytes go to the leaf hasher.
// Small enough to stay in L1/L2 between the two passes, large enough that the per-call
// overhead of EVP_DigestUpdate is noise.
constexpr size_t kInterleave = 64 * 1024;

Digest HashPair(Sha256& h, const Digest& left, const Digest& right) {
  h.Update(std::span<const uint8_t>(left));
  h.Update(std::span<const uint8_t>(right));
  return h.Final();
}

// Adds a complete subtree of one unit (a leaf, or a part) to the binary-counter stack: equal
// subtrees merge like carries, so the stack holds one subtree per set bit of the unit count.
void PushNode(Sha256& h, std::array<Digest, 64>& stack, uint64_t& pending, Digest node) {
  int level = 0;
  while (pending & (uint64_t{1} << level)) {
    node = HashPair(h, stack[level], node);
    pending &= ~(uint64_t{1} << level);
    ++level;
  }
  stack[level] = node;
  pending |= uint64_t{1} << level;
}

// The root from the pending subtrees. Folding from the smallest up is the same as Glacier's
// level-by-level pairing: the trailing short subtree is the odd node carried up unchanged
// until it meets its left sibling.
Digest Fold(Sha256& h, const std::array<Digest, 64>& stack, uint64_t pending) {
  int level = std::countr_zero(pending);
  Digest root = stack[level];
  pending &= pending - 1;
  while (pending != 0) {
    level = std::countr_zero(pending);
    root = HashPair(h, stack[level], root);
    pending &= pending - 1;
  }
  return root;
}

}  // namespace

Digest CombineTreeHashes(std::span<const Digest> nodes) {
  Sha256 h;
  if (nodes.empty()) return h.Final();
  std::array<Digest, 64> stack;
  uint64_t pending = 0;
  for (const Digest& node : nodes) PushNode(h, stack, pending, node);
  return Fold(h, stack, pending);
}

TreeHasher::TreeHasher(uint64_t leaf_size) : leaf_size_(leaf_size) {
  if (!std::has_single_bit(leaf_size)) std::abort();
}

void TreeHasher::Update(std::span<const uint8_t> data) {
  bytes_ += data.size();
  while (!data.empty()) {
    size_t take = static_cast<size_t>(std::min<uint64_t>(leaf_size_ - in_leaf_, data.size()));
    leaf_.Update(data.first(take));
    data = data.subspan(take);
    in_leaf_ += take;
    if (in_leaf_ == leaf_size_) {
      PushLeaf(leaf_.Final());
      in_leaf_ = 0;
    }
  }
}

void TreeHasher::PushLeaf(const Digest& leaf) { PushNode(leaf_, stack_, pending_, leaf); }

Digest TreeHasher::Final() {
  // A short last leaf, or the single empty leaf of empty input (whose root is SHA-256 of "").
  if (in_leaf_ > 0 || bytes_ == 0) PushLeaf(leaf_.Final());
  Digest root = Fold(leaf_, stack_, pending_);
  pending_ = 0;
  in_leaf_ = 0;
  bytes_ = 0;
  return root;
}

Digest TreeHashOf(std::span<const uint8_t> data, uint64_t leaf_size) {
  TreeHasher h(leaf_size);
  h.Update(data);
  return h.Final();
}

DualHasher::DualHasher(uint64_t leaf_size)
    : leaf_size_(leaf_size), fast_(ni::Available() && leaf_size % 64 == 0), tree_(leaf_size) {
  linear_state_.Reset();
  leaf_state_.Reset();
}

void DualHasher::FinishLeaf() {
  tree_.AddLeaf(ni::Finish(leaf_state_, in_leaf_, block_, buffered_), in_leaf_);
  leaf_state_.Reset();
  in_leaf_ = 0;
}

void DualHasher::Update(std::span<const uint8_t> data) {
  if (!fast_) {
    while (!data.empty()) {
      std::span<const uint8_t> slice = data.first(std::min(kInterleave, data.size()));
      linear_.Update(slice);
      tree_.Update(slice);
      data = data.subspan(slice.size());
    }
    return;
  }
  // Leaves are whole blocks, so a block never straddles a leaf end and both states always
  // take the same blocks.
  total_ += data.size();
  while (!data.empty()) {
    if (buffered_ > 0 || data.size() < 64) {
      size_t take = std::min(64 - buffered_, data.size());
      std::memcpy(block_ + buffered_, data.data(), take);
      buffered_ += take;
      in_leaf_ += take;
      data = data.subspan(take);
      if (buffered_ < 64) break;
      ni::Compress2(linear_state_, leaf_state_, block_, 1);
      buffered_ = 0;
    } else {
      uint64_t blocks = std::min<uint64_t>(data.size() / 64, (leaf_size_ - in_leaf_) / 64);
      ni::Compress2(linear_state_, leaf_state_, data.data(), blocks);
      in_leaf_ += blocks * 64;
      data = data.subspan(blocks * 64);
    }
    if (in_leaf_ == leaf_size_) FinishLeaf();
  }
}

DualHash DualHasher::Final() {
  if (!fast_) return {linear_.Final(), tree_.Final()};
  Digest linear = ni::Finish(linear_state_, total_, block_, buffered_);
  if (in_leaf_ > 0) FinishLeaf();  // the short last leaf (nothing fed: the tree's empty leaf)
  linear_state_.Reset();
  total_ = 0;
  buffered_ = 0;
  return {linear, tree_.Final()};
}

DualHash Sha256AndTreeHash(std::span<const uint8_t> data, uint64_t leaf_size) {
  // Up to one leaf the tree hash is that leaf's hash, the plain SHA-256: one pass, not two
  // (files of up to 1 MiB, most of a typical tree, are uploaded whole).
  if (data.size() <= leaf_size && std::has_single_bit(leaf_size)) {
    Digest d = Sha256Of(data);
    return {d, d};
  }
  DualHasher h(leaf_size);
  h.Update(data);
  return h.Final();
}

bool IsTreeHashAligned(uint64_t first, uint64_t last, uint64_t total_size, uint64_t leaf_size) {
  if (!std::has_single_bit(leaf_size)) return false;
  if (first > last || last >= total_size || first % leaf_size != 0) return false;
  uint64_t start_leaf = first / leaf_size;
  uint64_t end = last + 1;
  uint64_t leaves;  // leaves covered by the range
  if (end == total_size) {
    leaves = (end - first + leaf_size - 1) / leaf_size;
  } else {
    // Inside the archive a node spans whole leaves, and a power of two of them.
    if ((end - first) % leaf_size != 0) return false;
    leaves = (end - first) / leaf_size;
    if (!std::has_single_bit(leaves)) return false;
  }
  // The node [i·2^k, min((i+1)·2^k, n)) with the smallest 2^k ≥ leaves: its start must be a
  // multiple of 2^k. (A larger k only makes the divisibility stricter.)
  uint64_t span = std::bit_ceil(leaves);
  return start_leaf % span == 0;
}

Digest TreeHashOfLeafRange(std::span<const Digest> leaves, size_t first_leaf, size_t count) {
  if (count == 0 || first_leaf > leaves.size() || count > leaves.size() - first_leaf) {
    std::abort();
  }
  return CombineTreeHashes(leaves.subspan(first_leaf, count));
}

}  // namespace mtg::hash
