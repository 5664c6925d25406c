// mtglacier-server's command line (CLI11) turned into ServerOptions, plus the small parsers it
// needs: durations ("0", "30s", "4h") and the credentials file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "context.h"

namespace mtg::server {

// What the command line asked for: run with options, or just print text (--help) and exit 0.
struct ParsedCommandLine {
  ServerOptions options;
  bool exit_now = false;
  std::string text;  // help text when exit_now
};

[[nodiscard]] Result<ParsedCommandLine> ParseCommandLine(int argc, const char* const* argv);

// "250ms", "30s", "5m", "4h", "2d"; a bare number is seconds. Milliseconds.
[[nodiscard]] Result<int64_t> ParseDuration(std::string_view text);

// "HOST:PORT" (IPv6 as "[::1]:PORT").
[[nodiscard]] Result<std::pair<std::string, int>> ParseListen(std::string_view text);

// Lines "ACCESS_KEY SECRET_KEY"; blank lines and lines starting with # are skipped.
[[nodiscard]] Result<std::vector<std::pair<std::string, std::string>>> ParseCredentials(
    std::string_view text);

}  // namespace mtg::server
