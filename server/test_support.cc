#include "test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "hash/tree_hash.h"
#include "sign/sigv4.h"

namespace mtg::server::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/mtg-server-test-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  path_ = ::mkdtemp(buf.data());
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TreeHashHex(const std::string& data) { return hash::ToHex(hash::TreeHashOf(hash::AsBytes(data))); }
std::string Sha256HexOf(const std::string& data) { return hash::Sha256Hex(data); }

WireRequest Signed(WireRequest request, const std::string& host, int64_t unix_time,
                   const std::string& access_key, const std::string& secret_key) {
  request.headers.insert(request.headers.begin(), {"x-amz-glacier-version", "2012-06-01"});
  request.headers.insert(request.headers.begin(), {"Host", host});
  if (request.content_sha256) request.headers.push_back({"x-amz-content-sha256", Sha256HexOf(request.body)});
  sign::Request wire;
  wire.method = request.method;
  size_t q = request.target.find('?');
  wire.path = request.target.substr(0, q);
  wire.query = q == std::string::npos ? "" : request.target.substr(q + 1);
  for (const auto& [n, v] : request.headers) wire.headers.push_back({n, v});
  wire.payload_hash = Sha256HexOf(request.body);
  // A test may declare a payload hash that does not match the body (to see it refused): sign
  // what is declared, as a client with a bug would.
  if (const sign::Header* declared = sign::FindHeader(wire.headers, "x-amz-content-sha256")) {
    wire.payload_hash = declared->value;
  }
  sign::Credentials creds{access_key, secret_key, ""};
  auto signed_result = sign::Sign(wire, creds, "us-east-1", "glacier", unix_time);
  if (!signed_result) std::abort();
  for (const auto& h : signed_result->added_headers) request.headers.push_back({h.name, h.value});
  request.headers.push_back({"Authorization", signed_result->authorization});
  return request;
}

Request ToServerRequest(const WireRequest& wire) {
  Request r;
  r.method = wire.method;
  r.target = wire.target;
  SplitTarget(r);
  for (const auto& [n, v] : wire.headers) r.headers.push_back({ToLower(n), v});
  if (wire.method != "GET") r.headers.push_back({"content-length", std::to_string(wire.body.size())});
  r.content_length = wire.body.size();
  if (!wire.body.empty()) r.SetBufferedBody(wire.body);
  return r;
}

Connection::Connection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {
bool WriteAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}
}  // namespace

bool Connection::ReadLine(std::string* line) {
  while (true) {
    size_t eol = buffer_.find("\r\n");
    if (eol != std::string::npos) {
      *line = buffer_.substr(0, eol);
      buffer_.erase(0, eol + 2);
      return true;
    }
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

bool Connection::ReadResponse(WireResponse* out) {
  std::string line;
  if (!ReadLine(&line) || line.size() < 12) return false;
  out->status = std::atoi(line.substr(9, 3).c_str());
  out->headers.clear();
  while (ReadLine(&line) && !line.empty()) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out->headers[ToLower(line.substr(0, colon))] = value;
  }
  size_t length = static_cast<size_t>(std::atoll(out->Header("content-length").c_str()));
  while (buffer_.size() < length) {
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      out->body = buffer_;
      buffer_.clear();
      out->status = out->status > 0 ? -out->status : 0;  // truncated body: negative status
      return true;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  }
  out->body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return true;
}

WireResponse Connection::Send(const WireRequest& request, bool expect_continue) {
  WireResponse response;
  if (fd_ < 0) return response;
  std::string head = request.method + " " + request.target + " HTTP/1.1\r\n";
  for (const auto& [n, v] : request.headers) head += n + ": " + v + "\r\n";
  if (request.method != "GET") head += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  if (expect_continue) head += "Expect: 100-continue\r\n";
  head += "\r\n";
  if (!expect_continue) {
    if (!WriteAll(fd_, head + request.body)) return response;
  } else {
    if (!WriteAll(fd_, head)) return response;
    WireResponse interim;
    if (!ReadResponse(&interim)) return response;
    if (interim.status != 100) return interim;  // answered without wanting the body
    if (!WriteAll(fd_, request.body)) return response;
  }
  if (!ReadResponse(&response)) response.status = 0;
  return response;
}

}  // namespace mtg::server::testing
