// Error and Result<T>: how every fallible call in mtglacier reports failure.
// An Error carries a closed code, a message that each layer prefixes with its context, and the
// low-level facts (errno, HTTP status, AWS error code, request id) when they are known.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace mtg {

enum class ErrorCode {
  kInvalidArgument,   // bad user input: option, config line, file name
  kParse,             // malformed data from outside: journal, description, inventory, response
  kIo,                // file-system failure (errno set)
  kNotFound,          // file, vault, archive, job does not exist
  kAlreadyExists,
  kLocked,            // another process holds the lock
  kNetwork,           // connection, DNS, TLS, timeout (transient)
  kHttp,              // the service answered with an error status
  kIntegrity,         // a hash or size did not match
  kAuth,              // credentials missing or refused
  kCancelled,
  kUnsupported,
  kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  int sys_errno = 0;        // errno, when a system call failed
  int http_status = 0;      // HTTP status, when the service answered
  std::string aws_code;     // e.g. "ThrottlingException"
  std::string request_id;   // x-amzn-RequestId of the failed request

  Error() = default;
  Error(ErrorCode c, std::string msg) : code(c), message(std::move(msg)) {}

  // Adds context in front of the message: "reading journal: line 3: ...".
  Error& Context(std::string_view what) {
    message = std::string(what) + ": " + message;
    return *this;
  }
  Error WithContext(std::string_view what) const& {
    Error e = *this;
    e.Context(what);
    return e;
  }
  Error&& WithContext(std::string_view what) && {
    Context(what);
    return std::move(*this);
  }

  // The full one-line rendering used by the CLI: message plus the known low-level facts.
  std::string ToString() const;
};

template <typename T>
using Result = std::expected<T, Error>;

// Success for Result<void>.
inline Result<void> Ok() { return {}; }

inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}
inline std::unexpected<Error> Fail(Error error) { return std::unexpected<Error>(std::move(error)); }

// An Error for a failed system call: message plus strerror(err).
Error SysError(std::string_view what, int err);

}  // namespace mtg

// Propagates the error of a Result-returning expression; otherwise yields nothing.
#define MTG_TRY_VOID(expr)                                   \
  do {                                                       \
    auto mtg_try_result_ = (expr);                           \
    if (!mtg_try_result_) return ::std::unexpected(std::move(mtg_try_result_.error())); \
  } while (0)
