// HTTP/1.1 framing for the client side: the request head we write and an incremental reader of
// the response (status line, headers, and a body framed by Content-Length, chunked encoding or
// the end of the connection). The bytes travel over a connection libcurl opened (TCP or TLS,
// through a proxy if configured); see curl_transport.h for why we frame requests ourselves.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/transport.h"

namespace mtg::http {

struct UrlParts {
  std::string origin;     // scheme://authority, what a connection is for
  std::string authority;  // host[:port] as written in the URL
  std::string target;     // /path[?query] ("/" if the URL has no path)
};
// kInvalidArgument for anything but http:// or https:// with a non-empty authority.
[[nodiscard]] Result<UrlParts> SplitUrl(std::string_view url);

// "METHOD target HTTP/1.1" and the headers: the request's own (a Host header among them is used
// as given; otherwise Host is the URL's authority), User-Agent, and Content-Length for any
// body-carrying method (0 for none: Glacier wants it on bodiless PUT/POST/DELETE too).
std::string FormatRequestHead(const Request& request, const UrlParts& url, std::string_view user_agent);

using BodyChunkFn = std::function<Result<void>(std::span<const uint8_t>)>;

class ResponseReader {
 public:
  // A response to HEAD has headers only, whatever its Content-Length says.
  explicit ResponseReader(bool head_request) : head_request_(head_request) {}

  // Takes the next bytes from the connection. Body bytes go to on_body (an error it returns is
  // passed back as is). kNetwork for bytes that are not a valid HTTP/1.x response.
  [[nodiscard]] Result<void> Feed(std::span<const uint8_t> data, const BodyChunkFn& on_body);
  // The peer closed the connection: ends a body that runs to the close; kNetwork if the
  // response was cut short.
  [[nodiscard]] Result<void> FeedEnd();

  bool done() const { return state_ == State::kDone; }
  bool started() const { return received_ > 0; }  // any byte of a response arrived
  int status() const { return status_; }
  const std::vector<Header>& headers() const { return headers_; }
  // The connection can carry another request after this response.
  bool keep_alive() const { return keep_alive_ && !extra_bytes_; }

 private:
  enum class State { kHead, kLength, kChunkSize, kChunkData, kChunkEnd, kTrailer, kToClose, kDone };
  Result<void> ParseHead(std::string_view head);
  Result<void> Line(std::span<const uint8_t>& data, std::string& line, bool& complete);
  Result<void> Body(std::span<const uint8_t>& data, const BodyChunkFn& on_body, State next);

  bool head_request_;
  State state_ = State::kHead;
  uint64_t received_ = 0;
  std::string pending_;  // head bytes, or a chunk-size / trailer line, not yet complete
  int status_ = 0;
  std::vector<Header> headers_;
  bool keep_alive_ = false;
  bool extra_bytes_ = false;
  uint64_t remaining_ = 0;
};

}  // namespace mtg::http
