// Date formats on the server's wire: ISO 8601 with milliseconds in JSON bodies
// ("2012-03-20T17:03:43.221Z", what the service returns) and the IMF-fixdate of the HTTP Date
// header. Both in UTC, from milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mtg::server {

std::string IsoMillis(int64_t unix_ms);
std::string HttpDate(int64_t unix_seconds);
// Parses ISO 8601 UTC ("2012-03-20T17:03:43Z", with optional fraction) to ms; nullopt if not.
std::optional<int64_t> ParseIsoMillis(std::string_view text);

}  // namespace mtg::server
