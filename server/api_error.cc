#include "api_error.h"

#include <cstdio>

namespace mtg::server {

ApiError ApiError::InvalidParameter(std::string message) {
  return Custom(400, "InvalidParameterValueException", std::move(message));
}
ApiError ApiError::MissingParameter(std::string message) {
  return Custom(400, "MissingParameterValueException", std::move(message));
}
ApiError ApiError::ResourceNotFound(std::string message) {
  return Custom(404, "ResourceNotFoundException", std::move(message));
}
ApiError ApiError::LimitExceeded(std::string message) {
  return Custom(400, "LimitExceededException", std::move(message));
}
ApiError ApiError::RequestTimeout(std::string message) {
  return Custom(408, "RequestTimeoutException", std::move(message));
}
ApiError ApiError::Throttling(std::string message) {
  return Custom(400, "ThrottlingException", std::move(message));
}
ApiError ApiError::ServiceUnavailable(std::string message) {
  ApiError e = Custom(500, "ServiceUnavailableException", std::move(message));
  e.type = "Server";
  return e;
}
ApiError ApiError::MissingAuthenticationToken() {
  return Custom(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
}
ApiError ApiError::UnrecognizedClient() {
  return Custom(403, "UnrecognizedClientException",
                "The security token included in the request is invalid.");
}
ApiError ApiError::InvalidSignature(std::string message) {
  return Custom(403, "InvalidSignatureException", std::move(message));
}
ApiError ApiError::AccessDenied(std::string message) {
  return Custom(403, "AccessDeniedException", std::move(message));
}
ApiError ApiError::Internal(std::string message) {
  ApiError e = Custom(500, "ServiceUnavailableException", std::move(message));
  e.type = "Server";
  return e;
}
ApiError ApiError::Custom(int status, std::string code, std::string message) {
  ApiError e;
  e.status = status;
  e.code = std::move(code);
  e.message = std::move(message);
  e.type = status >= 500 ? "Server" : "Client";
  return e;
}

ApiError ApiError::FromError(const Error& error) {
  switch (error.code) {
    case ErrorCode::kNotFound:
      return ResourceNotFound(error.message);
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kParse:
    case ErrorCode::kIntegrity:
      return InvalidParameter(error.message);
    case ErrorCode::kNetwork:
      return RequestTimeout(error.message);
    default:
      return Internal(error.message);
  }
}

std::string JsonQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string ErrorJson(const ApiError& error) {
  return "{\"code\":" + JsonQuote(error.code) + ",\"message\":" + JsonQuote(error.message) +
         ",\"type\":" + JsonQuote(error.type) + "}";
}

void SetError(Response& response, const ApiError& error) {
  response.SetJson(error.status, ErrorJson(error));
  response.SetHeader("x-amzn-errortype", error.code);
}

}  // namespace mtg::server
