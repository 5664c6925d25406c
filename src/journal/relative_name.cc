#include "journal/relative_name.h"

#include <cstdint>

namespace mtg::journal {

const char* RelativeFilenameProblem(std::string_view name) {
  if (name.empty()) return "the name is empty";
  if (name.front() == '/') return "the name is absolute (starts with '/')";
  size_t component_start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i < name.size()) {
      char c = name[i];
      if (c == '\r' || c == '\n' || c == '\t') return "the name contains CR, LF or TAB";
      if (c == '\0') return "the name contains a NUL byte";
      if (c != '/') continue;
    }
    std::string_view component = name.substr(component_start, i - component_start);
    if (component.empty()) {
      return i == name.size() ? "the name ends with '/'" : "the name contains an empty component (\"//\")";
    }
    if (component == ".") return "the name contains a \".\" component";
    if (component == "..") return "the name contains a \"..\" component";
    component_start = i + 1;
  }
  return nullptr;
}

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    uint8_t c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    p += len;
  }
  return true;
}

}  // namespace mtg::journal
