#include "meta/flat_json.h"

#include "meta/utf8.h"

namespace mtg::meta {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<FlatJsonObject> Object() {
    SkipSpace();
    if (!Eat('{')) return Fault("JSON text is not an object");
    FlatJsonObject object;
    SkipSpace();
    if (Eat('}')) return Finish(std::move(object));
    for (;;) {
      if (!Eat('"')) return Fault("'\"' expected before a key");
      std::string key;
      MTG_TRY_VOID(String(key));
      SkipSpace();
      if (!Eat(':')) return Fault("':' expected");
      SkipSpace();
      JsonScalar value;
      MTG_TRY_VOID(Scalar(value));
      object.Add(std::move(key), std::move(value));
      SkipSpace();
      if (Eat('}')) return Finish(std::move(object));
      if (!Eat(',')) return Fault("',' or '}' expected");
      SkipSpace();
    }
  }

 private:
  Result<FlatJsonObject> Finish(FlatJsonObject object) {
    SkipSpace();
    if (pos_ != text_.size()) return Fault("garbage after JSON object");
    return object;
  }

  Result<void> Scalar(JsonScalar& value) {
    if (pos_ >= text_.size()) return Fault("value expected");
    const char c = text_[pos_];
    if (c == '"') {
      ++pos_;
      value.type = JsonScalar::Type::kString;
      return String(value.text);
    }
    if (c == '{' || c == '[') return Fault("nesting deeper than 1 is not allowed");
    if (c == '-' || IsDigit(c)) {
      value.type = JsonScalar::Type::kNumber;
      return Number(value.text);
    }
    if (Literal("true")) {
      value.type = JsonScalar::Type::kTrue;
      return Ok();
    }
    if (Literal("false")) {
      value.type = JsonScalar::Type::kFalse;
      return Ok();
    }
    if (Literal("null")) {
      value.type = JsonScalar::Type::kNull;
      return Ok();
    }
    return Fault("malformed JSON value");
  }

  Result<void> Number(std::string& out) {
    const size_t start = pos_;
    Eat('-');
    if (Eat('0')) {
      if (pos_ < text_.size() && IsDigit(text_[pos_])) return Fault("leading zero in number");
    } else if (!SkipDigits()) {
      return Fault("no digits in number");
    }
    if (Eat('.') && !SkipDigits()) return Fault("no digits after decimal point");
    if (Eat('e') || Eat('E')) {
      if (!Eat('-')) Eat('+');
      if (!SkipDigits()) return Fault("no digits in exponent");
    }
    out.assign(text_.substr(start, pos_ - start));
    return Ok();
  }

  // Reads the rest of a string whose opening quote was consumed.
  Result<void> String(std::string& out) {
    for (;;) {
      if (pos_ >= text_.size()) return Fault("unterminated string");
      const char c = text_[pos_];
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"') {
        ++pos_;
        return Ok();
      }
      if (c == '\\') {
        MTG_TRY_VOID(Escape(out));
      } else if (byte < 0x20) {
        return Fault("raw control character in string");
      } else if (byte < 0x80) {
        out.push_back(c);
        ++pos_;
      } else {
        char32_t ignored = 0;
        const size_t used = DecodeUtf8Char(text_, pos_, ignored);
        if (used == 0) return Fault("malformed UTF-8 in string");
        out.append(text_.substr(pos_, used));
        pos_ += used;
      }
    }
  }

  Result<void> Escape(std::string& out) {
    ++pos_;  // the backslash
    if (pos_ >= text_.size()) return Fault("unterminated escape");
    const char c = text_[pos_++];
    switch (c) {
      case '"': out.push_back('"'); return Ok();
      case '\\': out.push_back('\\'); return Ok();
      case '/': out.push_back('/'); return Ok();
      case 'b': out.push_back('\b'); return Ok();
      case 'f': out.push_back('\f'); return Ok();
      case 'n': out.push_back('\n'); return Ok();
      case 'r': out.push_back('\r'); return Ok();
      case 't': out.push_back('\t'); return Ok();
      case 'u': break;
      default: return Fault("illegal backslash escape");
    }
    char32_t high = 0;
    if (!Hex4(high)) return Fault("four hex digits expected after \\u");
    if (high >= 0xDC00 && high < 0xE000) return Fault("low surrogate without high surrogate");
    if (high >= 0xD800 && high < 0xDC00) {
      if (!(Eat('\\') && Eat('u'))) return Fault("missing low surrogate");
      char32_t low = 0;
      if (!Hex4(low)) return Fault("four hex digits expected after \\u");
      if (low < 0xDC00 || low >= 0xE000) return Fault("surrogate pair expected");
      high = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(out, high);
    return Ok();
  }

  bool Hex4(char32_t& value) {
    if (text_.size() - pos_ < 4) return false;
    value = 0;
    for (size_t i = 0; i < 4; ++i) {
      const int digit = HexValue(text_[pos_ + i]);
      if (digit < 0) return false;
      value = value << 4 | static_cast<char32_t>(digit);
    }
    pos_ += 4;
    return true;
  }

  bool SkipDigits() {
    const size_t start = pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    return pos_ > start;
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool Eat(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void SkipSpace() {
    while (pos_ < text_.size() && IsJsonSpace(text_[pos_])) ++pos_;
  }

  std::unexpected<mtg::Error> Fault(std::string_view what) const {
    return Fail(ErrorCode::kParse, "JSON: " + std::string(what) + " at byte " + std::to_string(pos_));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

const JsonScalar* FlatJsonObject::Find(std::string_view key) const {
  for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
    if (it->first == key) return &it->second;
  }
  return nullptr;
}

Result<FlatJsonObject> ParseFlatJsonObject(std::string_view text, size_t max_size) {
  if (text.size() > max_size) {
    return Fail(ErrorCode::kParse, "JSON: text of " + std::to_string(text.size()) +
                                       " bytes exceeds the limit of " + std::to_string(max_size));
  }
  return Parser(text).Object();
}

void AppendJsonString(std::string& out, std::string_view utf8) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : utf8) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (byte < 0x20) {
          out += "\\u00";
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

}  // namespace mtg::meta
