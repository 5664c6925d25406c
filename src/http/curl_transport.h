// Transport over libcurl. One CurlTransport owns one easy handle and so one kept-alive
// connection; it is not thread-safe: each worker thread uses its own instance.
#pragma once

#include <memory>

#include "http/transport.h"

namespace mtg::http {

struct CurlOptions {
  long connect_timeout_seconds = 30;
  // A transfer slower than 1 byte/s for this long is abandoned (mt-aws-glacier's --timeout).
  long inactivity_timeout_seconds = 180;
  bool verify_tls = true;
  std::string user_agent = "mtglacier/0.1";
};

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<Response> Send(const Request& request) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mtg::http
