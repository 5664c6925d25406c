// Test helpers for the server's unit and loopback tests (linked into test binaries only):
// signed requests built with the real SigV4 signer, a store in a fresh temp directory, and a
// tiny blocking HTTP/1.1 client over a raw socket (keep-alive, Expect: 100-continue).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "http.h"

namespace mtg::server::testing {

inline constexpr const char* kAccessKey = "AKIDEXAMPLE";
inline constexpr const char* kSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// A fresh empty directory under TMPDIR, removed (recursively) when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct WireRequest {
  std::string method;
  std::string target;  // "/-/vaults/v1?limit=2"
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host and the signature
  std::string body;
  bool content_sha256 = false;  // add x-amz-content-sha256 (uploads)
};

// Adds Host, x-amz-glacier-version, X-Amz-Date, Authorization (and x-amz-content-sha256 when
// asked) signed at unix_time with the given keys, like the AWS CLI does.
WireRequest Signed(WireRequest request, const std::string& host, int64_t unix_time,
                   const std::string& access_key = kAccessKey, const std::string& secret_key = kSecretKey);

// A Request as the HTTP layer would hand it to the service (body from memory).
Request ToServerRequest(const WireRequest& wire);

struct WireResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One connection to 127.0.0.1:port; Send may be called repeatedly (keep-alive).
class Connection {
 public:
  explicit Connection(int port);
  ~Connection();
  bool ok() const { return fd_ >= 0; }
  // Sends the request and reads the response. With expect_continue, sends the headers with
  // Expect: 100-continue, waits for the interim 100 response, then sends the body.
  // status 0 = connection failed.
  WireResponse Send(const WireRequest& request, bool expect_continue = false);

 private:
  bool ReadResponse(WireResponse* out);
  bool ReadLine(std::string* line);
  int fd_ = -1;
  std::string buffer_;
};

// Tree hash and SHA-256 (hex) of data, for building requests.
std::string TreeHashHex(const std::string& data);
std::string Sha256HexOf(const std::string& data);

}  // namespace mtg::server::testing
