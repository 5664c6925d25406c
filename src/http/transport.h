// The HTTP seam between the Glacier API layer and the network. A Transport sends one request and
// returns the response; bodies stream through BodySource / BodySink so a 4 GiB part never has to
// sit in memory. The libcurl implementation is in curl_transport.h; retry policy in retry.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace mtg::http {

struct Header {
  std::string name;
  std::string value;
};

// Case-insensitive lookup in a header list; the first match wins.
std::optional<std::string_view> FindHeader(const std::vector<Header>& headers, std::string_view name);

// Supplies a request body. Read may be called again from offset 0 if the transport has to rewind
// (e.g. a redirect or a 100-continue refusal), so sources must be re-readable.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual uint64_t Size() const = 0;
  // Copies up to out.size() bytes starting at offset; returns the count (0 only at the end).
  virtual Result<size_t> Read(uint64_t offset, std::span<uint8_t> out) = 0;
  // The whole body, if it sits in memory in one piece: the transport then sends straight from
  // it instead of copying it through Read (a 16 MiB part is one send, not 64 copies).
  virtual std::span<const uint8_t> Contiguous() const { return {}; }
};

// A body held in memory (JSON requests, small archives, tests).
class MemoryBody final : public BodySource {
 public:
  explicit MemoryBody(std::span<const uint8_t> data) : data_(data) {}
  explicit MemoryBody(std::string_view data)
      : data_(reinterpret_cast<const uint8_t*>(data.data()), data.size()) {}
  uint64_t Size() const override { return data_.size(); }
  Result<size_t> Read(uint64_t offset, std::span<uint8_t> out) override;
  std::span<const uint8_t> Contiguous() const override { return data_; }

 private:
  std::span<const uint8_t> data_;
};

// Receives a 2xx response body as it arrives (error bodies go to Response::body instead, so they
// can be parsed). Returning an error aborts the transfer.
using BodySink = std::function<Result<void>(std::span<const uint8_t>)>;

struct Request {
  std::string method;            // GET, PUT, POST, DELETE, HEAD
  std::string url;               // scheme://host[:port]/path[?query], already percent-encoded
  std::vector<Header> headers;   // sent as given (Host is derived from the URL by the transport)
  BodySource* body = nullptr;    // nullptr: no body (Content-Length: 0 on PUT/POST/DELETE)
  BodySink sink;                 // empty: the body is collected into Response::body
};

struct Response {
  int status = 0;
  std::vector<Header> headers;
  std::string body;              // only when Request::sink was empty
  uint64_t body_bytes = 0;       // bytes received, whichever way they went
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Performs one exchange. Network failures (connect, reset, timeout, truncated body) return an
  // Error with code kNetwork; any HTTP status, including 5xx, is a successful Response.
  virtual Result<Response> Send(const Request& request) = 0;
};

}  // namespace mtg::http
