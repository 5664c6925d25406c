#include "base/log.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace mtg {
namespace {

struct LogState {
  std::shared_mutex mu;
  LogSink sink;
  LogLevel min_level = LogLevel::kInfo;
  std::vector<std::string> secrets;
};

LogState& State() {
  static LogState state;
  return state;
}

bool StartsWithNoCase(std::string_view text, size_t pos, std::string_view word) {
  if (text.size() - pos < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[pos + i])) !=
        std::tolower(static_cast<unsigned char>(word[i])))
      return false;
  }
  return true;
}

// Markers after which everything up to the end of the value is a credential.
// The value ends at whitespace, '&', ',', '"' or end of line, except for Authorization
// headers whose whole remaining line is secret-bearing.
struct Marker {
  std::string_view word;
  bool to_end_of_line;
};
constexpr std::array<Marker, 9> kMarkers = {{
    {"authorization:", true},
    {"authorization=", true},
    {"signature=", false},
    {"x-amz-security-token:", true},
    {"x-amz-security-token=", false},
    {"aws_secret_access_key", true},
    {"aws_session_token", true},
    {"secret=", false},
    {"token=", false},
}};

std::string RedactPatterns(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    bool matched = false;
    for (const Marker& m : kMarkers) {
      if (!StartsWithNoCase(text, i, m.word)) continue;
      // "secret=" / "token=" must start a word so "mysecret=" in a file name is also caught
      // but "x-amz-security-token=" is handled by its own entry.
      out.append(text.substr(i, m.word.size()));
      size_t j = i + m.word.size();
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '=')) {
        out.push_back(text[j]);
        ++j;
      }
      size_t end = j;
      while (end < text.size() && text[end] != '\n' && text[end] != '\r' &&
             (m.to_end_of_line || (text[end] != ' ' && text[end] != '&' && text[end] != ',' &&
                                   text[end] != '"' && text[end] != '\t'))) {
        ++end;
      }
      if (end > j) out.append("***");
      i = end;
      matched = true;
      break;
    }
    if (!matched) out.push_back(text[i++]);
  }
  return out;
}

}  // namespace

void SetLogSink(LogSink sink, LogLevel min_level) {
  LogState& s = State();
  std::unique_lock lock(s.mu);
  s.sink = std::move(sink);
  s.min_level = min_level;
}

LogLevel MinLogLevel() {
  LogState& s = State();
  std::shared_lock lock(s.mu);
  return s.min_level;
}

void RegisterSecret(std::string_view secret) {
  if (secret.size() < 4) return;
  LogState& s = State();
  std::unique_lock lock(s.mu);
  if (std::find(s.secrets.begin(), s.secrets.end(), secret) == s.secrets.end())
    s.secrets.emplace_back(secret);
}

void ClearSecretsForTesting() {
  LogState& s = State();
  std::unique_lock lock(s.mu);
  s.secrets.clear();
}

std::string Redact(std::string_view text) {
  std::string out(text);
  {
    LogState& s = State();
    std::shared_lock lock(s.mu);
    for (const std::string& secret : s.secrets) {
      size_t pos = 0;
      while ((pos = out.find(secret, pos)) != std::string::npos) {
        out.replace(pos, secret.size(), "***");
        pos += 3;
      }
    }
  }
  return RedactPatterns(out);
}

void Log(LogLevel level, std::string_view message) {
  LogState& s = State();
  std::shared_lock lock(s.mu);
  if (!s.sink || level < s.min_level) return;
  LogSink sink = s.sink;
  lock.unlock();
  sink(level, Redact(message));
}

}  // namespace mtg
