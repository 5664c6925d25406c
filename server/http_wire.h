// HTTP/1.1 message syntax for the server's own front (http_server.cc): parsing a request head
// and formatting a response head. Pure functions over strings, so they are unit-tested and
// fuzzed without sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http.h"

namespace mtg::server {

struct RequestHead {
  std::string method;
  std::string target;
  int minor_version = 1;            // HTTP/1.<minor>
  std::vector<HttpHeader> headers;  // names lowercased, values trimmed, in wire order
};

// Longest request head (request line + headers) accepted; longer ones get 400. SigV4 heads are
// about 1-2 KiB.
inline constexpr size_t kMaxRequestHead = 16 * 1024;

// Offset just past the blank line that ends the head in data (CRLF or bare LF line ends), or
// npos while it is incomplete.
size_t FindHeadEnd(std::string_view data);

// Parses a complete head (as delimited by FindHeadEnd). False on a malformed request line, an
// unsupported method or version. Header lines without a colon are ignored (as cpp-httplib did).
bool ParseRequestHead(std::string_view head, RequestHead* out);

// How the body of a request is framed.
struct BodyFraming {
  bool valid = true;    // false: unparseable Content-Length (answer 400)
  bool chunked = false;
  std::optional<uint64_t> content_length;
};
BodyFraming GetBodyFraming(const std::vector<HttpHeader>& headers);

// True when the connection stays open after this request (HTTP/1.1 default unless
// "Connection: close"; HTTP/1.0 only with "Connection: keep-alive").
bool WantsKeepAlive(const RequestHead& head);
// True for "Expect: 100-continue".
bool ExpectsContinue(const RequestHead& head);

std::string_view ReasonPhrase(int status);

// The status line and headers of a response, ending with the blank line. extra holds the
// headers the front adds (Content-Length, Content-Type, Connection/Keep-Alive); all headers are
// sent sorted by case-insensitive name, duplicates in insertion order, as cpp-httplib sent them.
std::string FormatResponseHead(int status, const std::vector<HttpHeader>& headers,
                               const std::vector<HttpHeader>& extra);

}  // namespace mtg::server
