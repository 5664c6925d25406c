// SigV4 server side: parse an Authorization header and verify a received request against it.
// The failure kinds are distinct so the server can map each one to its service's error code
// (Glacier: MissingAuthenticationTokenException, InvalidSignatureException, ...; S3:
// AccessDenied, SignatureDoesNotMatch, RequestTimeTooSkewed, ...). Pure: "now" is passed in.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sign/sigv4.h"

namespace mtg::sign {

enum class AuthFailureKind {
  kMissingAuth,           // no Authorization header
  kMalformedAuth,         // Authorization unparsable, wrong algorithm, bad credential scope,
                          // several Authorization headers, host not in SignedHeaders
  kMissingDate,           // neither X-Amz-Date nor Date
  kMalformedDate,         // X-Amz-Date / Date not a valid date
  kScopeMismatch,         // scope date != request day, or region/service not the expected one
  kTimeSkewed,            // request time more than max_skew_seconds from now
  kSignedHeaderMissing,   // a name in SignedHeaders is not among the request headers
  kUnknownAccessKey,      // the lookup returned no secret
  kBadRequest,            // bad % escape in the query, or no payload hash known
  kPayloadHashMismatch,   // x-amz-content-sha256 differs from the body hash the server computed
  kSignatureMismatch,     // everything parsed, the signature is wrong
};

std::string_view AuthFailureName(AuthFailureKind kind);  // "SignatureMismatch", ...

struct AuthFailure {
  AuthFailureKind kind = AuthFailureKind::kMalformedAuth;
  std::string message;  // safe to log: holds no secret, token or signature
  // Only for kSignatureMismatch: what the server signed (S3 returns these in its error body).
  // canonical_request contains the session token when it was signed; do not log it.
  std::string canonical_request;
  std::string string_to_sign;

  Error ToError() const;  // ErrorCode::kAuth, message prefixed with the kind name
};

template <typename T>
using AuthResult = std::expected<T, AuthFailure>;

struct Authorization {
  std::string access_key;
  std::string date_stamp;  // YYYYMMDD
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lowercase, in the order given
  std::string signed_headers_text;          // "a;b;c" exactly as given
  std::string signature;                    // 64 lowercase hex

  std::string CredentialScope() const;
};

// Parses "AWS4-HMAC-SHA256 Credential=AK/YYYYMMDD/region/service/aws4_request,
// SignedHeaders=a;b, Signature=<64 hex>": the three parts in any order, separated by ','
// with or without spaces; each exactly once. SignedHeaders names must be lowercase tokens,
// without repeats. Fails with kMalformedAuth.
[[nodiscard]] AuthResult<Authorization> ParseAuthorization(std::string_view value);

// Returns the secret key for an access key, or nullopt when the key is unknown.
using SecretLookup = std::function<std::optional<std::string>(std::string_view access_key)>;

struct VerifyOptions {
  int64_t now_unix = 0;
  int64_t max_skew_seconds = 15 * 60;
  std::string_view expected_region;   // "" accepts any region
  std::string_view expected_service;  // "" accepts any service
};

struct VerifiedRequest {
  std::string access_key;
  std::string region;
  std::string service;
  int64_t request_time = 0;    // from X-Amz-Date (or Date)
  std::string payload_hash;    // what was signed: a hex SHA-256 or "UNSIGNED-PAYLOAD"
  // True when the signed payload hash came from x-amz-content-sha256 and request.payload_hash
  // was empty: the server must compare it with the body's SHA-256 once it has read the body.
  bool payload_hash_unchecked = false;
  std::string session_token;   // X-Amz-Security-Token when present (the server validates it)
};

// Verifies a received request. request.headers must include Authorization. Headers are matched
// case-insensitively; only those named in SignedHeaders are used (repeats joined with ',').
// request.payload_hash: the SHA-256 of the received body when the server has it, or "" when it
// has not read the body yet; needed only when there is no x-amz-content-sha256 header.
// Checks, in order: Authorization present and well-formed; date present and valid; scope date
// equals the request day; region/service as expected; |now - request time| <= max skew;
// every signed header present; access key known; payload hash known; signature (constant
// time); then x-amz-content-sha256 against request.payload_hash (unless UNSIGNED-PAYLOAD).
[[nodiscard]] AuthResult<VerifiedRequest> Verify(const Request& request, const SecretLookup& lookup,
                                                 const VerifyOptions& options);

}  // namespace mtg::sign
