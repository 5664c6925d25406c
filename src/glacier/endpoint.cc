#include "glacier/endpoint.h"

#include <charconv>

namespace mtg::glacier {

std::string Endpoint::HostHeader() const {
  bool default_port = port == 0 || (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  return default_port ? host : host + ":" + std::to_string(port);
}

std::string Endpoint::BaseUrl() const { return scheme + "://" + HostHeader(); }

Result<Endpoint> ParseEndpoint(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid endpoint \"" + std::string(url) + "\": " + std::string(why));
  };
  Endpoint e;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return bad("expected scheme://host[:port]");
  e.scheme = std::string(url.substr(0, sep));
  for (char& c : e.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (e.scheme != "http" && e.scheme != "https") return bad("scheme must be http or https");
  std::string_view rest = url.substr(sep + 3);
  if (rest.ends_with("/")) rest.remove_suffix(1);
  if (rest.empty()) return bad("no host");
  if (rest.find_first_of("/?#@ ") != std::string_view::npos)
    return bad("only scheme://host[:port] is allowed");
  std::string_view host = rest;
  std::string_view port;
  if (rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 address");
    host = rest.substr(0, close + 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("junk after IPv6 address");
      port = after.substr(1);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return bad("no host");
  e.host = std::string(host);
  if (!port.empty()) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value < 1 || value > 65535)
      return bad("port must be 1-65535");
    e.port = value;
  }
  return e;
}

Endpoint DefaultEndpoint(std::string_view region, std::string_view protocol) {
  Endpoint e;
  e.scheme = protocol == "http" ? "http" : "https";
  e.host = "glacier." + std::string(region) + ".amazonaws.com";
  return e;
}

}  // namespace mtg::glacier
