// The server's own HTTP request/response types. Handlers see only these, never cpp-httplib
// (which is confined to http_server.cc), so the HTTP library can be swapped and handlers can be
// unit-tested with hand-built requests.
//
// Bodies stream both ways: a request body is pulled through Request::ReadBody in pieces as it
// arrives (a 4 GiB part never sits in memory), and a response body may be a byte range of an
// open file, sent with pread as the client reads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "hash/tree_hash.h"

namespace mtg::server {

struct HttpHeader {
  std::string name;   // lowercase
  std::string value;  // as received (responses: as sent)
};

// Receives one piece of a request body; returns false to stop reading.
using BodySink = std::function<bool(const char* data, size_t size)>;
// Delivers the whole remaining body through the sink; returns false when the connection failed,
// the body was shorter than announced, or the sink returned false.
using BodySource = std::function<bool(const BodySink& sink)>;

class Request {
 public:
  std::string method;     // "GET", "PUT", ...
  std::string target;     // the request target exactly as received: "/-/vaults/v?limit=1"
  std::string raw_path;   // target before '?', still percent-encoded
  std::string raw_query;  // target after '?', still percent-encoded ("" when none)
  std::string path;       // raw_path percent-decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in wire order
  std::vector<HttpHeader> headers;                         // names lowercase, in wire order
  std::optional<uint64_t> content_length;
  std::string remote_addr;
  int remote_port = 0;

  // Filled by the service before the handler runs.
  std::map<std::string, std::string, std::less<>> params;  // path pattern captures: "vault", ...
  std::string operation;   // the route's operation name: "upload-archive", ...
  std::string account_id;  // the authenticated account (12 digits)
  std::string access_key;  // the access key that signed the request
  std::string region;      // from the request's credential scope
  std::string request_id;  // also sent as x-amzn-RequestId

  // First header with this (case-insensitive) name, or nullptr.
  const std::string* Header(std::string_view name) const;
  std::string HeaderOr(std::string_view name, std::string_view fallback = {}) const;
  // First query value with this (exact, decoded) key, or nullptr.
  const std::string* Query(std::string_view key) const;
  // A path capture; "" when the route has none of that name.
  const std::string& Param(std::string_view name) const;

  // Streams the body through sink. Only the first call reads; later calls fail. When a
  // checker is installed (the service installs one that compares x-amz-content-sha256 with
  // the bytes), a body that fails it returns that error after the last byte was delivered:
  // the handler must then discard what it stored.
  [[nodiscard]] Result<void> ReadBody(const BodySink& sink);
  // ReadBody that also returns the body's SHA-256 and tree hash, both from one pass over each
  // piece while it is in cache (hash::DualHasher); the x-amz-content-sha256 check then uses
  // that SHA-256 instead of hashing the bytes a second time. Upload handlers use this.
  [[nodiscard]] Result<hash::DualHash> ReadBodyHashed(const BodySink& sink);
  // Reads the whole body into memory; fails when it is longer than max_bytes.
  [[nodiscard]] Result<std::string> ReadBodyToString(size_t max_bytes);
  bool body_read() const { return body_read_; }

  // For the HTTP layer and the service pipeline.
  void SetBodySource(BodySource source) { body_source_ = std::move(source); }
  // Makes an already-read body readable again from memory (after the service buffered it).
  void SetBufferedBody(std::string body);
  // The service's x-amz-content-sha256 check: the body must hash to this (hex, any case).
  void SetExpectedSha256(std::string hex) { expected_sha256_ = std::move(hex); }
  using BodyCheck = std::function<Result<void>()>;
  // observer sees every byte delivered; check runs once the body is complete.
  void SetBodyCheck(BodySink observer, BodyCheck check) {
    body_observer_ = std::move(observer);
    body_check_ = std::move(check);
  }
  // Reads and discards whatever the handler left unread (so the connection stays in sync).
  void DrainBody();
  uint64_t body_bytes_read() const { return body_bytes_read_; }

 private:
  Result<void> Stream(const BodySink& sink);
  Result<void> CheckSha256(const hash::Digest& actual) const;
  BodySource body_source_;
  std::optional<std::string> expected_sha256_;
  BodySink body_observer_;
  BodyCheck body_check_;
  bool body_read_ = false;
  uint64_t body_bytes_read_ = 0;
};

// A response body streamed from a file: [offset, offset + length) of fd, which the response
// owns and closes.
struct FileBody {
  int fd = -1;
  uint64_t offset = 0;
  uint64_t length = 0;
};

class Response {
 public:
  Response() = default;
  ~Response();
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;
  Response(Response&& other) noexcept;
  Response& operator=(Response&& other) noexcept;

  int status = 200;
  std::vector<HttpHeader> headers;  // names lowercase
  std::string body;                 // used when file is empty
  std::optional<FileBody> file;     // streamed instead of body when set

  // Fault injection: flip the byte at this body offset while sending.
  std::optional<uint64_t> corrupt_offset;
  // Fault injection: send this many body bytes (of the announced length) and drop the
  // connection.
  std::optional<uint64_t> reset_after_bytes;

  // Replaces any header of that name.
  void SetHeader(std::string_view name, std::string value);
  const std::string* Header(std::string_view name) const;
  void SetJson(int code, std::string json);
  // Streams [offset, offset+length) of fd (taken over: closed by the response).
  void SetFile(int code, int fd, uint64_t offset, uint64_t length, std::string content_type);
  uint64_t BodyLength() const { return file ? file->length : body.size(); }

 private:
  void CloseFile();
};

// Percent-decodes (%XX, '+' kept as '+'); nullopt on a bad escape.
std::optional<std::string> PercentDecode(std::string_view text);
// Splits a raw query into decoded (key, value) pairs; nullopt on a bad escape.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view raw);
// Fills raw_path, raw_query, path and query from target; false when it is not a valid
// origin-form target ("/..." with good escapes).
bool SplitTarget(Request& request);

std::string ToLower(std::string_view text);

}  // namespace mtg::server
