// Safe rendering of untrusted bytes (journal lines, names) inside error messages: the result is
// printable ASCII only, so a hostile line cannot inject terminal escapes or fake extra lines.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtg::journal {

// Renders bytes as a double-quoted string in the style of mt-aws-glacier's hex_dump_string:
// \\ \" \t \r \n escapes, printable ASCII as is, every other byte as \xNN (uppercase hex).
// Input longer than max_bytes is cut and followed by "... (N bytes)".
std::string QuoteBytes(std::string_view bytes, size_t max_bytes = 256);

}  // namespace mtg::journal
