// Strict UTF-8 checks used by the description codec: mt-aws-glacier's names travel through
// JSON as UTF-8, and anything that is not well-formed Unicode must make a description foreign
// instead of producing a name that could never have been written.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtg::meta {

// Decodes one scalar value starting at text[pos]. Returns the number of bytes used (1-4), or 0
// when the bytes there are not strict UTF-8 (overlong forms, surrogates, values above U+10FFFF,
// truncated or stray continuation bytes).
size_t DecodeUtf8Char(std::string_view text, size_t pos, char32_t& code_point);

// True when the whole text is strict UTF-8.
bool IsValidUtf8(std::string_view text);

// Appends the UTF-8 form of a scalar value (code_point must be <= U+10FFFF and not a surrogate).
void AppendUtf8(std::string& out, char32_t code_point);

}  // namespace mtg::meta
