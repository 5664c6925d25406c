// The server's access log (--access-log FILE): one line per request, appended with a single
// write(2) so concurrent requests never interleave within a line. Lines carry what an operator
// needs to read a test run back (time, account, method, path, status, bytes, duration) and never
// a secret: no headers are logged, credential-bearing query parameters are masked, and control
// characters are escaped so a crafted path cannot forge a line.
//
// Line format (space separated, one request per line):
//   TIME ACCOUNT KEY METHOD PATH STATUS BYTES_IN BYTES_OUT DURATION_MS OPERATION
//   2026-11-26T21:59:56.123Z - AKIDEXAMPLE PUT /-/vaults/v1 201 0 0 1.204 create-vault
// ACCOUNT is the account segment of the path ("-" when absent), KEY the access key id that
// signed the request ("-" when unsigned or refused before it was parsed), OPERATION the routed
// operation ("-" when none matched).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/result.h"
#include "http.h"

namespace mtg::server {

struct AccessRecord {
  int64_t unix_ms = 0;       // when the request arrived
  std::string account;       // from the path, or empty
  std::string access_key;    // access key id, or empty
  std::string method;
  std::string target;        // raw request target: path and query as received
  int status = 0;
  uint64_t bytes_in = 0;     // request body bytes read
  uint64_t bytes_out = 0;    // response body bytes sent
  int64_t duration_us = 0;
  std::string operation;     // e.g. "upload-part", or empty
};

// The target with credential query parameters (X-Amz-Signature, X-Amz-Credential,
// X-Amz-Security-Token, Signature, AWSAccessKeyId...) masked as "***", and every byte outside
// printable ASCII or equal to space or '%'-unsafe escaped as %XX.
std::string SanitizeTarget(std::string_view target);

// The record of a finished request (for a Service observer): account from the path's first
// segment, key from the verified signature, bytes in as read, bytes out as sent (cut short by
// an injected reset).
AccessRecord MakeAccessRecord(const Request& request, const Response& response, int64_t arrival_ms,
                              int64_t duration_us);

// One log line for the record, ending in '\n'.
std::string FormatAccessLine(const AccessRecord& record);

class AccessLog {
 public:
  // Opens (creating, appending) the log file.
  [[nodiscard]] static Result<std::unique_ptr<AccessLog>> Open(const std::string& path);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Appends one line. Thread-safe. A failed write is counted, never fatal to the request.
  void Write(const AccessRecord& record);
  uint64_t failed_writes() const { return failed_writes_; }

 private:
  explicit AccessLog(int fd) : fd_(fd) {}
  int fd_;
  std::mutex mu_;
  uint64_t failed_writes_ = 0;
};

}  // namespace mtg::server
