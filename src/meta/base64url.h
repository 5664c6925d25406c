// base64url as mt-aws-glacier uses it in archive descriptions: standard base64 with the '='
// padding stripped and '+' '/' replaced by '-' '_'. Decoding reproduces MIME::Base64's
// leniency, because descriptions written or edited by other tools must decode the same way.
#pragma once

#include <string>
#include <string_view>

namespace mtg::meta {

// base64url of the bytes, no padding, no line breaks.
std::string Base64UrlEncode(std::string_view bytes);

// Decodes like mt-aws-glacier: '-' and '_' become '+' and '/', '=' is appended until the
// length (counted in characters, as Perl does) is a multiple of 4, then MIME::Base64 rules
// apply: characters outside the alphabet are skipped, decoding stops at the first '=' that
// ends a group, and a final group of one character is dropped. Never fails; garbage simply
// decodes to fewer (or no) bytes. `length_in_chars` is the Perl character count of the input
// (differs from bytes only when the text has non-ASCII UTF-8); pass npos to use text.size().
std::string Base64UrlDecode(std::string_view text, size_t length_in_chars = std::string_view::npos);

}  // namespace mtg::meta
