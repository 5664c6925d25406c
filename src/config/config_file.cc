#include "config/config_file.h"

#include <cerrno>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "config/text.h"

namespace mtg::config {
namespace {

constexpr size_t kMaxConfigBytes = 4 << 20;

// Perl's \s on bytes.
bool IsPerlSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsKeyStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsKeyChar(char c) { return IsKeyStart(c) || c == '-'; }

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

struct ParsedLine {
  std::string_view key;
  std::string_view value;
  bool bare = false;
};

// /^[ \t]*KEY[ \t]*=[ \t]*(.*?)[ \t]*$/ or /^[ \t]*KEY[ \t]*$/ with KEY [A-Za-z0-9][A-Za-z0-9-]*.
std::optional<ParsedLine> SplitLine(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && IsBlank(line[i])) ++i;
  const size_t key_start = i;
  if (i >= line.size() || !IsKeyStart(line[i])) return std::nullopt;
  while (i < line.size() && IsKeyChar(line[i])) ++i;
  ParsedLine out;
  out.key = line.substr(key_start, i - key_start);
  while (i < line.size() && IsBlank(line[i])) ++i;
  if (i == line.size()) {
    out.bare = true;
    out.value = "1";
    return out;
  }
  if (line[i] != '=') return std::nullopt;
  out.value = TrimBlanks(line.substr(i + 1));
  return out;
}

// The line as shown in an error: quoted, and cut after a word that says a secret follows, so a
// mistyped "secret: ..." line does not print the secret.
std::string ShowLine(std::string_view line) {
  std::string lower;
  for (char c : line) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  size_t cut = std::string::npos;
  for (std::string_view word : {"secret", "token"}) {
    const size_t at = lower.find(word);
    if (at != std::string::npos) cut = std::min(cut, at + word.size());
  }
  if (cut == std::string::npos || cut >= line.size()) return QuoteForMessage(line);
  return QuoteForMessage(line.substr(0, cut)) + "***";
}

Error ConfigError(std::string_view what, std::string_view file_name, int line) {
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("{} at {} line {}", what, QuoteForMessage(file_name), line));
}

}  // namespace

const ConfigValue* ConfigFile::Get(std::string_view canonical_name) const {
  auto it = values.find(std::string(canonical_name));
  return it == values.end() ? nullptr : &it->second;
}

std::string ConfigFile::Where(const ConfigValue& v) const {
  return fmt::format("config file {} line {}", QuoteForMessage(file_name), v.line);
}

Result<void> ConfigFile::ValidateValue(const OptionTable& table,
                                       std::string_view canonical_name) const {
  const ConfigValue* v = Get(canonical_name);
  if (v == nullptr) return Ok();
  auto match = table.Find(canonical_name);
  if (!match || match->def->validate == nullptr) return Ok();
  auto r = match->def->validate(v->value);
  if (!r) return Fail(std::move(r.error()).WithContext(Where(*v)));
  return Ok();
}

Result<ConfigFile> ParseConfig(std::string_view bytes, std::string_view file_name,
                               const OptionTable& table) {
  ConfigFile cfg;
  cfg.file_name = std::string(file_name);
  int line_no = 0;
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    std::string_view line = bytes.substr(0, nl);
    bytes.remove_prefix(nl == std::string_view::npos ? bytes.size() : nl + 1);
    ++line_no;
    // The :crlf layer turned CRLF into LF; a lone CR at the end of the file is dropped as well.
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    size_t first = 0;
    while (first < line.size() && IsPerlSpace(line[first])) ++first;
    if (first == line.size() || line[first] == '#') continue;

    auto parsed = SplitLine(line);
    if (!parsed) {
      return Fail(ConfigError(fmt::format("Cannot parse line in config file: {}", ShowLine(line)),
                              file_name, line_no));
    }
    auto match = table.Find(parsed->key);
    if (!match) {
      return Fail(ConfigError(fmt::format("Unknown option in config: \"{}\"", parsed->key),
                              file_name, line_no));
    }
    const OptionDef& def = *match->def;
    if (def.is_list) {
      return Fail(ConfigError(
          fmt::format("\"List\" options (where order is important) like \"{}\" cannot appear in "
                      "config currently",
                      parsed->key),
          file_name, line_no));
    }
    if (!IsValidUtf8(parsed->value)) {
      return Fail(ConfigError(
          fmt::format("Invalid UTF-8 character in the value of \"{}\" in config", parsed->key),
          file_name, line_no));
    }
    if (parsed->value.find('\0') != std::string_view::npos) {
      return Fail(ConfigError(
          fmt::format("NUL byte in the value of \"{}\" in config", parsed->key), file_name,
          line_no));
    }
    // mt-aws-glacier took any value as "on" ("dry-run=0" meant dry run!); we refuse the trap.
    if (def.is_flag && parsed->value != "1") {
      return Fail(ConfigError(
          fmt::format("Option \"{}\" is a flag and takes no value in config: write the bare "
                      "word \"{}\" (or \"{}=1\") to turn it on, or remove the line",
                      parsed->key, parsed->key, parsed->key),
          file_name, line_no));
    }
    auto [it, inserted] = cfg.values.try_emplace(def.name);
    ConfigValue& slot = it->second;
    if (!inserted && slot.spelled_as != parsed->key) {
      return Fail(ConfigError(
          fmt::format("\"{}\" specified, while \"{}\" already defined (line {})", parsed->key,
                      slot.spelled_as, slot.line),
          file_name, line_no));
    }
    slot.value = std::string(parsed->value);  // last one wins
    slot.line = line_no;
    slot.spelled_as = std::string(parsed->key);
  }
  for (const auto& [name, v] : cfg.values) {
    if (v.spelled_as != name) {
      cfg.warnings.push_back(fmt::format("{} ({})", DeprecatedAliasWarning(v.spelled_as, name),
                                         cfg.Where(v)));
    }
  }
  return cfg;
}

Result<ConfigFile> ReadConfigFile(const std::string& path, const OptionTable& table) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(SysError(fmt::format("Cannot read config file {}", QuoteForMessage(path)), errno));
  }
  std::string bytes;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.append(buf, static_cast<size_t>(in.gcount()));
    if (bytes.size() > kMaxConfigBytes) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("Config file {} is larger than {} bytes", QuoteForMessage(path),
                              kMaxConfigBytes));
    }
  }
  if (in.bad()) {
    return Fail(SysError(fmt::format("Cannot read config file {}", QuoteForMessage(path)), errno));
  }
  return ParseConfig(bytes, path, table);
}

}  // namespace mtg::config
