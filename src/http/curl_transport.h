// Transport over libcurl. One CurlTransport owns one easy handle and so one kept-alive
// connection; it is not thread-safe: each worker thread uses its own instance.
//
// libcurl opens the connection (DNS, TCP, TLS with certificate checks, proxy tunnels) in
// connect-only mode; the HTTP/1.1 exchange on it is ours (http1.h), sent and received with
// curl_easy_send / curl_easy_recv. Why: libcurl's upload path copies every body byte into its
// own buffer through a read callback and polls around each 2 MiB of it, which cost a quarter of
// the client's CPU in a sync; now a part goes from the worker's buffer to the socket (or to the
// TLS layer) directly. A request on a kept-alive connection that the server closed while idle
// is sent once more on a fresh connection, as libcurl did.
#pragma once

#include <memory>

#include "http/transport.h"

namespace mtg::http {

struct CurlOptions {
  long connect_timeout_seconds = 30;
  // A transfer that makes no progress for this long is abandoned (mt-aws-glacier's --timeout).
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
