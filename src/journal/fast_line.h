// Internal to mtg_journal: a single-pass scanner for the journal lines that make up almost every
// real journal (versions A/B/C CREATED and DELETED with a Glacier-alphabet archive id and, for
// CREATED, a 64-hex tree hash). It decodes while it validates: the id comes out packed 6 bits a
// character and the hash as 32 raw bytes, so the replay never walks those bytes again.
//
// It is only a shortcut. It either returns exactly what ParseLine would (kNone and the same
// fields) or declines, and every line it declines, including every line ParseLine rejects, goes
// through ParseLine unchanged: error messages and accepted/rejected lines cannot differ.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "journal/line_parser.h"

namespace mtg::journal::internal {

// Glacier's ids are 138 characters; longer ones (never seen) take the general path.
inline constexpr size_t kFastMaxIdChars = 256;

struct FastLine {
  ParsedLine parsed;   // what ParseLine(line) gives when it returns kNone
  uint8_t hash[32];    // CREATED: parsed.tree_hash decoded (the fast path takes only 64 lowercase hex)
  size_t packed_size;  // bytes of packed_id used: PackedSize(parsed.archive_id.size())
  // PackId(parsed.archive_id); the slack lets the packer store whole 8-byte words.
  char packed_id[kFastMaxIdChars * 6 / 8 + 16];
};

// True when `line` (without "\n" / "\r\n") was parsed completely; false means "use ParseLine".
bool FastParseLine(std::string_view line, FastLine& out);

// The filename rules of RelativeFilenameProblem, checked 16 bytes at a time; names that need a
// closer look (a component starting with '.', a '/' at either end or doubled, control bytes)
// are handed to RelativeFilenameProblem itself. Exposed for tests.
bool FastIsRelativeFilename(std::string_view name);

}  // namespace mtg::journal::internal
