#include "base/result.h"

#include <cstring>

namespace mtg {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kParse: return "parse error";
    case ErrorCode::kIo: return "I/O error";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kAlreadyExists: return "already exists";
    case ErrorCode::kLocked: return "locked";
    case ErrorCode::kNetwork: return "network error";
    case ErrorCode::kHttp: return "HTTP error";
    case ErrorCode::kIntegrity: return "integrity error";
    case ErrorCode::kAuth: return "authentication error";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kInternal: return "internal error";
  }
  return "unknown error";
}

std::string Error::ToString() const {
  std::string out = message;
  if (http_status != 0) out += " (HTTP " + std::to_string(http_status);
  if (!aws_code.empty()) out += (http_status != 0 ? ", " : " (") + aws_code;
  if (http_status != 0 || !aws_code.empty()) {
    if (!request_id.empty()) out += ", request id " + request_id;
    out += ")";
  }
  return out;
}

Error SysError(std::string_view what, int err) {
  Error e(ErrorCode::kIo, std::string(what) + ": " + std::strerror(err));
  e.sys_errno = err;
  if (err == ENOENT) e.code = ErrorCode::kNotFound;
  if (err == EEXIST) e.code = ErrorCode::kAlreadyExists;
  return e;
}

}  // namespace mtg
