// Rules for the relative file names stored in journals (mt-aws-glacier's is_relative_filename).
// The journal reader checks every CREATED name with them, the writer refuses names that fail them,
// and restore / download-inventory reuse them so a hostile name can never escape --dir.
#pragma once

#include <string_view>

namespace mtg::journal {

// Why a name is not an acceptable relative file name; nullptr when it is fine.
// A name is acceptable when it is already in canonical relative form:
//   - not empty;
//   - no CR, LF or TAB (they would break the line format), and no NUL (no file can have one);
//   - no leading '/' (absolute), no "//" and no trailing '/' (empty components);
//   - no "." or ".." component ("./a", "a/./b", "a/..", ".." ...).
// Anything else is allowed: spaces, quotes, backslashes, a leading '-', any bytes >= 0x80.
const char* RelativeFilenameProblem(std::string_view name);

inline bool IsRelativeFilename(std::string_view name) {
  return RelativeFilenameProblem(name) == nullptr;
}

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF). The journal itself
// does not demand it (mt-aws-glacier read undecodable bytes leniently); callers that must
// produce UTF-8 (archive descriptions) check it themselves.
bool IsValidUtf8(std::string_view text);

}  // namespace mtg::journal
