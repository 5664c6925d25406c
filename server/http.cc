#include "http.h"

#include <unistd.h>

namespace mtg::server {

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const std::string kEmpty;

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int hi = HexValue(text[i + 1]);
    int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view raw) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view piece = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    auto key = PercentDecode(piece.substr(0, eq));
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

bool SplitTarget(Request& request) {
  std::string_view target = request.target;
  if (target.empty() || target[0] != '/') return false;
  size_t q = target.find('?');
  request.raw_path = std::string(target.substr(0, q));
  request.raw_query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  auto path = PercentDecode(request.raw_path);
  auto query = ParseQuery(request.raw_query);
  if (!path || !query) return false;
  request.path = std::move(*path);
  request.query = std::move(*query);
  return true;
}

const std::string* Request::Header(std::string_view name) const {
  for (const auto& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return &h.value;
  }
  return nullptr;
}

std::string Request::HeaderOr(std::string_view name, std::string_view fallback) const {
  const std::string* v = Header(name);
  return v ? *v : std::string(fallback);
}

const std::string* Request::Query(std::string_view key) const {
  for (const auto& [k, v] : query) {
    if (k == key) return &v;
  }
  return nullptr;
}

const std::string& Request::Param(std::string_view name) const {
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

Result<void> Request::Stream(const BodySink& sink) {
  if (body_read_) return Fail(ErrorCode::kInternal, "request body already read");
  body_read_ = true;
  if (!body_source_) return Ok();
  bool sink_ok = true;
  bool complete = body_source_([&](const char* data, size_t size) {
    body_bytes_read_ += size;
    if (body_observer_) body_observer_(data, size);
    // After the sink gave up keep draining, so the connection stays usable for the next request.
    if (sink_ok && !sink(data, size)) sink_ok = false;
    return true;
  });
  if (!complete) return Fail(ErrorCode::kNetwork, "request body ended early");
  if (!sink_ok) return Fail(ErrorCode::kIo, "could not store the request body");
  if (content_length && body_bytes_read_ != *content_length) {
    return Fail(ErrorCode::kNetwork, "request body shorter than Content-Length");
  }
  return Ok();
}

Result<void> Request::CheckSha256(const hash::Digest& digest) const {
  std::string actual = hash::ToHex(digest);
  if (actual != ToLower(*expected_sha256_)) {
    return Fail(ErrorCode::kIntegrity,
                "The value passed in as x-amz-content-sha256 does not match the computed "
                "payload hash. Computed digest: " + actual + " expected hash: " + *expected_sha256_);
  }
  return Ok();
}

Result<void> Request::ReadBody(const BodySink& sink) {
  std::optional<hash::Sha256> linear;
  if (expected_sha256_) linear.emplace();
  MTG_TRY_VOID(Stream([&](const char* data, size_t size) {
    if (linear) linear->Update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data), size));
    return sink(data, size);
  }));
  if (linear) MTG_TRY_VOID(CheckSha256(linear->Final()));
  if (body_check_) return body_check_();
  return Ok();
}

Result<hash::DualHash> Request::ReadBodyHashed(const BodySink& sink) {
  hash::DualHasher dual;
  MTG_TRY_VOID(Stream([&](const char* data, size_t size) {
    dual.Update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data), size));
    return sink(data, size);
  }));
  hash::DualHash digests = dual.Final();
  if (expected_sha256_) MTG_TRY_VOID(CheckSha256(digests.sha256));
  if (body_check_) MTG_TRY_VOID(body_check_());
  return digests;
}

Result<std::string> Request::ReadBodyToString(size_t max_bytes) {
  if (content_length && *content_length > max_bytes) {
    DrainBody();
    return Fail(ErrorCode::kInvalidArgument, "request body too large");
  }
  std::string out;
  bool too_long = false;
  auto read = ReadBody([&](const char* data, size_t size) {
    if (out.size() + size > max_bytes) {
      too_long = true;
      return false;
    }
    out.append(data, size);
    return true;
  });
  if (too_long) return Fail(ErrorCode::kInvalidArgument, "request body too large");
  if (!read) return std::unexpected(read.error());
  return out;
}

void Request::SetBufferedBody(std::string body) {
  auto shared = std::make_shared<std::string>(std::move(body));
  body_source_ = [shared](const BodySink& sink) {
    return shared->empty() || sink(shared->data(), shared->size());
  };
  body_read_ = false;
  body_bytes_read_ = 0;
  content_length = shared->size();
}

void Request::DrainBody() {
  if (body_read_ || !body_source_) return;
  body_read_ = true;
  body_source_([&](const char*, size_t size) {
    body_bytes_read_ += size;
    return true;
  });
}

Response::~Response() { CloseFile(); }

Response::Response(Response&& other) noexcept
    : status(other.status),
      headers(std::move(other.headers)),
      body(std::move(other.body)),
      file(other.file),
      corrupt_offset(other.corrupt_offset),
      reset_after_bytes(other.reset_after_bytes) {
  other.file.reset();
}

Response& Response::operator=(Response&& other) noexcept {
  if (this != &other) {
    CloseFile();
    status = other.status;
    headers = std::move(other.headers);
    body = std::move(other.body);
    file = other.file;
    corrupt_offset = other.corrupt_offset;
    reset_after_bytes = other.reset_after_bytes;
    other.file.reset();
  }
  return *this;
}

void Response::CloseFile() {
  if (file && file->fd >= 0) ::close(file->fd);
  file.reset();
}

void Response::SetHeader(std::string_view name, std::string value) {
  std::string lower = ToLower(name);
  for (auto& h : headers) {
    if (h.name == lower) {
      h.value = std::move(value);
      return;
    }
  }
  headers.push_back({std::move(lower), std::move(value)});
}

const std::string* Response::Header(std::string_view name) const {
  for (const auto& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return &h.value;
  }
  return nullptr;
}

void Response::SetJson(int code, std::string json) {
  CloseFile();
  status = code;
  body = std::move(json);
  SetHeader("content-type", "application/json");
}

void Response::SetFile(int code, int fd, uint64_t offset, uint64_t length,
                       std::string content_type) {
  CloseFile();
  status = code;
  body.clear();
  file = FileBody{fd, offset, length};
  SetHeader("content-type", std::move(content_type));
}

}  // namespace mtg::server
