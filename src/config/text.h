// Small text helpers for the config module: UTF-8 validation and the quoting used to show
// untrusted bytes (config lines, file names, values) safely inside error messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtg::config {

// Length (1..4) of the well-formed UTF-8 sequence at the start of s, or 0 when the first bytes
// are not one (overlong forms, surrogates and code points above U+10FFFF are not well-formed).
size_t Utf8SequenceLength(std::string_view s);

bool IsValidUtf8(std::string_view s);

// Returns bytes in double quotes, readable and safe to print on a terminal: printable ASCII and
// well-formed UTF-8 stay as they are; \ " CR LF TAB become \\ \" \r \n \t; other control bytes,
// invalid UTF-8 and invisible or direction-changing characters (C1 controls, bidi overrides)
// become \xNN. Input longer than max_bytes is cut and "..." follows the closing quote.
std::string QuoteForMessage(std::string_view bytes, size_t max_bytes = 200);

}  // namespace mtg::config
