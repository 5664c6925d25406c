// The small JSON dialect of archive descriptions: one flat object of scalars, parsed with the
// rules of Perl's JSON::XS->new->utf8->max_depth(1)->max_size(1024) and written with JSON::XS's
// exact string escaping, so our descriptions are byte-identical to mt-aws-glacier's.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace mtg::meta {

struct JsonScalar {
  enum class Type { kString, kNumber, kTrue, kFalse, kNull };
  Type type = Type::kNull;
  std::string text;  // the UTF-8 string value, or the number's literal text

  bool IsString() const { return type == Type::kString; }
};

class FlatJsonObject {
 public:
  // The member named `key`; with duplicate keys the last one wins, as in a Perl hash.
  // nullptr when absent.
  const JsonScalar* Find(std::string_view key) const;

  const std::vector<std::pair<std::string, JsonScalar>>& members() const { return members_; }
  void Add(std::string key, JsonScalar value) { members_.emplace_back(std::move(key), std::move(value)); }

 private:
  std::vector<std::pair<std::string, JsonScalar>> members_;
};

// Parses a JSON text that must be one object whose values are all scalars (nesting depth 1).
// Follows JSON::XS in utf8 mode: whitespace is space/tab/CR/LF only; raw control characters in
// strings are errors; \u escapes must form valid surrogate pairs; numbers follow the JSON
// grammar; nothing but whitespace may follow the object. Stricter than JSON::XS in one place:
// raw UTF-8 must be well-formed Unicode (no surrogates, nothing above U+10FFFF).
// Texts longer than max_size bytes are refused before parsing.
Result<FlatJsonObject> ParseFlatJsonObject(std::string_view text, size_t max_size = 1024);

// Appends a JSON string literal (with quotes) escaped as JSON::XS does with ->utf8: '"' and '\'
// are backslashed; \b \t \n \f \r use their short forms; other bytes below 0x20 become \u00xx
// (lowercase hex); DEL and all non-ASCII UTF-8 are copied raw. `utf8` must be valid UTF-8.
void AppendJsonString(std::string& out, std::string_view utf8);

}  // namespace mtg::meta
