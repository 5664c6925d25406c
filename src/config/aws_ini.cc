#include "config/aws_ini.h"

#include <fmt/format.h>

#include "config/text.h"

namespace mtg::config {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (IsBlank(s.front()) || s.front() == '\f' || s.front() == '\v'))
    s.remove_prefix(1);
  while (!s.empty() && (IsBlank(s.back()) || s.back() == '\f' || s.back() == '\v'))
    s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

}  // namespace

const IniSection* IniFile::Section(std::string_view name) const {
  auto it = sections.find(std::string(name));
  return it == sections.end() ? nullptr : &it->second;
}

Result<IniFile> ParseIni(std::string_view bytes, std::string_view file_name) {
  IniFile ini;
  ini.file_name = std::string(file_name);
  auto fail = [&](int line, std::string_view what) {
    return Fail(ErrorCode::kParse,
                fmt::format("{} line {}: {}", QuoteForMessage(file_name), line, what));
  };
  // A UTF-8 byte order mark, as written by some Windows editors.
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);

  IniSection* section = nullptr;
  bool have_key = false;  // a continuation line needs a key before it in the same section
  int line_no = 0;
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    std::string_view line = bytes.substr(0, nl);
    bytes.remove_prefix(nl == std::string_view::npos ? bytes.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    const std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;

    if (IsBlank(line.front())) {
      if (!have_key) return fail(line_no, "indented line with no key before it");
      continue;  // continuation of the previous value: nested settings we do not use
    }
    if (text.front() == '[') {
      if (text.back() != ']') return fail(line_no, "section header without closing \"]\"");
      const std::string_view name = Trim(text.substr(1, text.size() - 2));
      if (name.empty()) return fail(line_no, "empty section name");
      section = &ini.sections[std::string(name)];
      have_key = false;
      continue;
    }
    const size_t sep = text.find_first_of("=:");
    if (sep == std::string_view::npos)
      return fail(line_no, "expected \"key = value\", \"[section]\" or a comment");
    const std::string_view key = Trim(text.substr(0, sep));
    if (key.empty()) return fail(line_no, "empty key before \"=\"");
    if (section == nullptr) return fail(line_no, "setting before any [section] header");
    IniValue& v = (*section)[Lower(key)];  // the last of duplicate keys wins
    v.value = std::string(Trim(text.substr(sep + 1)));
    v.line = line_no;
    have_key = true;
  }
  return ini;
}

}  // namespace mtg::config
