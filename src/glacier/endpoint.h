// Where Glacier requests go: scheme, host and port, and the Host header value that is signed.
// The default is the real service (https://glacier.<region>.amazonaws.com); --endpoint (or
// AWS_ENDPOINT_URL[_GLACIER]) points it elsewhere, e.g. http://127.0.0.1:9901 for mtglacier-server.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace mtg::glacier {

struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // name or address; IPv6 in brackets
  int port = 0;        // 0: the scheme's default

  // "host" or "host:port" (port only when it is not the scheme's default), as signed.
  std::string HostHeader() const;
  // scheme://HostHeader()
  std::string BaseUrl() const;
};

// Parses "http://127.0.0.1:9901", "https://glacier.eu-west-1.amazonaws.com/" (a trailing '/' is
// allowed, any other path, query, user info or fragment is refused).
[[nodiscard]] Result<Endpoint> ParseEndpoint(std::string_view url);

// The real service's endpoint for a region, over https (or http when protocol says so).
Endpoint DefaultEndpoint(std::string_view region, std::string_view protocol = "https");

}  // namespace mtg::glacier
