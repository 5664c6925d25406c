// SHA-256 compression with the x86 SHA extensions, two states at once over the same blocks.
// An upload needs the plain SHA-256 and the tree hash of the same bytes; with one state the
// SHA instructions wait on each other (each round depends on the last), so feeding the
// same block to two independent states, and computing its message schedule once, nearly
// doubles the hashing done per CPU second. Used by DualHasher; everything else uses OpenSSL.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hash/sha256.h"

namespace mtg::hash::ni {

// True when the CPU has the SHA extensions (and the SSSE3/SSE4.1 they are used with).
bool Available();

// The eight working words of a SHA-256, initialised to the standard initial value.
struct State {
  uint32_t h[8];
  void Reset();
};

// Processes `blocks` 64-byte blocks of data into both states. Only when Available().
void Compress2(State& a, State& b, const uint8_t* data, size_t blocks);
// One state (padding blocks).
void Compress1(State& s, const uint8_t* data, size_t blocks);

// The digest of a message whose first total_bytes - tail_size bytes went into s (a multiple of
// 64) and whose last tail_size (< 64) bytes are tail: pads, compresses, returns big-endian.
Digest Finish(State s, uint64_t total_bytes, const uint8_t* tail, size_t tail_size);

}  // namespace mtg::hash::ni
