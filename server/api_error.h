// Glacier's error responses: status code plus the JSON body every client library parses,
// {"code":"...","message":"...","type":"Client"} (glacier-wire.md §1.2). One constructor per
// error code the server uses, so handlers cannot misspell a code or pair it with the wrong status.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "http.h"

namespace mtg::server {

struct ApiError {
  int status = 500;
  std::string code;     // "InvalidParameterValueException", ...
  std::string message;
  std::string type = "Client";  // "Server" for 5xx

  static ApiError InvalidParameter(std::string message);       // 400
  static ApiError MissingParameter(std::string message);       // 400
  static ApiError ResourceNotFound(std::string message);       // 404
  static ApiError LimitExceeded(std::string message);          // 400
  static ApiError RequestTimeout(std::string message);         // 408
  static ApiError Throttling(std::string message);             // 400
  static ApiError ServiceUnavailable(std::string message);     // 500
  static ApiError MissingAuthenticationToken();                // 403
  static ApiError UnrecognizedClient();                        // 403
  static ApiError InvalidSignature(std::string message);       // 403
  static ApiError AccessDenied(std::string message);           // 403
  static ApiError Internal(std::string message);               // 500, type Server
  static ApiError Custom(int status, std::string code, std::string message);

  // A server-side failure (disk, catalogue) as a 500; the message keeps the error's text.
  static ApiError FromError(const Error& error);
};

// {"code":..,"message":..,"type":..} with JSON string escaping.
std::string ErrorJson(const ApiError& error);
// Sets status, JSON body and x-amzn-ErrorType on the response.
void SetError(Response& response, const ApiError& error);

// JSON string literal (with quotes) for text; bytes outside ASCII are passed through as they are
// (valid UTF-8 stays valid), control characters are escaped.
std::string JsonQuote(std::string_view text);

}  // namespace mtg::server
