#include "journal/quote.h"

namespace mtg::journal {

std::string QuoteBytes(std::string_view bytes, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string_view shown = bytes.substr(0, max_bytes);
  std::string out;
  out.reserve(shown.size() + 16);
  out.push_back('"');
  for (char ch : shown) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      default:
        if (c >= 0x20 && c < 0x7F) {
          out.push_back(static_cast<char>(c));
        } else {
          out += "\\x";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        }
    }
  }
  out.push_back('"');
  if (shown.size() < bytes.size()) {
    out += "... (" + std::to_string(bytes.size()) + " bytes)";
  }
  return out;
}

}  // namespace mtg::journal
