// AWS Signature Version 4 (AWS4-HMAC-SHA256), client side: the request description shared with
// the verifier (verify.h), the canonical request / string to sign / signature chain, and Sign(),
// which returns the headers to add. Pure functions: no I/O, the time is passed in.
//
// Services: "glacier" (and any non-S3 service) double-encodes and normalises the path; "s3"
// signs the path as sent and always carries X-Amz-Content-SHA256 (which may be
// "UNSIGNED-PAYLOAD"). See canonical.h for the exact rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "hash/sha256.h"

namespace mtg::sign {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct Header {
  std::string name;   // any case, as sent
  std::string value;  // as sent (trimall is applied only inside the canonical request)
};
using Headers = std::vector<Header>;

// One HTTP request as it is (or will be) on the wire, minus the body.
struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string path;    // raw path as sent, already percent-encoded, e.g. "/-/vaults/v1"
  std::string query;   // raw query as sent, without '?', "" when none
  Headers headers;     // in send order; names in any case; repeats allowed
  // Lowercase hex SHA-256 of the body, or "UNSIGNED-PAYLOAD" (s3 only). When an
  // x-amz-content-sha256 header is present its value is what gets signed (see PayloadHashOf);
  // then this may be left empty. Sign(): must agree with that header when both are given.
  // Verify(): when both are given they must agree, else kPayloadHashMismatch.
  std::string payload_hash;
};

// Finds the first header with this name (case-insensitive); nullptr when absent.
const Header* FindHeader(const Headers& headers, std::string_view name);
// All values of the header (case-insensitive name), wire order.
std::vector<std::string_view> HeaderValues(const Headers& headers, std::string_view name);

// The payload hash line of the canonical request: the x-amz-content-sha256 header when present,
// else request.payload_hash. Fails (kInvalidArgument) when neither is there.
[[nodiscard]] Result<std::string> PayloadHashOf(const Request& request);

// Secrets: never log, print or put in an error message. Register them with mtg::RegisterSecret.
struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // "" when none
};

// The intermediate strings, for tests and debugging. canonical_request includes the session
// token when it is signed, and signing_key_hex is secret-derived: do not log either.
struct SignatureParts {
  std::string canonical_request;
  std::string canonical_request_sha256;
  std::string credential_scope;  // YYYYMMDD/region/service/aws4_request
  std::string string_to_sign;
  std::string signing_key_hex;
  std::string signed_headers;  // "host;x-amz-date;..."
  std::string signature;       // 64 lowercase hex
};

// Everything that goes into one signature, already in canonical order. Both Sign() and the
// verifier fill this in and call ComputeSignature, so the two sides share one code path.
struct CanonicalInput {
  std::string method;
  std::string canonical_uri;
  std::string canonical_query;
  // (lowercase name, value after TrimAll with repeats joined by ','), in SignedHeaders order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash;
  std::string amz_date;    // YYYYMMDDTHHMMSSZ
  std::string date_stamp;  // YYYYMMDD (scope date)
  std::string region;
  std::string service;
};

std::string CredentialScope(std::string_view date_stamp, std::string_view region,
                            std::string_view service);
std::string CanonicalRequest(const CanonicalInput& input);
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
hash::Digest SigningKey(std::string_view secret_key, std::string_view date_stamp,
                        std::string_view region, std::string_view service);
SignatureParts ComputeSignature(const CanonicalInput& input, std::string_view secret_key);

// "AWS4-HMAC-SHA256 Credential=AK/scope, SignedHeaders=a;b, Signature=hex" (botocore's spacing).
std::string FormatAuthorization(std::string_view access_key, std::string_view scope,
                                std::string_view signed_headers, std::string_view signature);

// Which request headers Sign() signs: every header passed in, except these lowercase names,
// which proxies or the transport may add, drop or rewrite: authorization, user-agent, expect,
// transfer-encoding, x-amzn-trace-id, connection, keep-alive, proxy-connection,
// proxy-authorization, te, trailer, upgrade. So the caller controls the signed set by what it
// passes: pass Host and every x-amz-* / content-type / range header the request will carry,
// and leave out headers the transport sets after signing (Content-Length, Accept-Encoding).
bool IsSignableHeader(std::string_view lowercase_name);

struct SignResult {
  // To add to the request, in this order: X-Amz-Date, X-Amz-Security-Token (when the
  // credentials have a token), X-Amz-Content-SHA256 (s3 only; value = payload hash).
  Headers added_headers;
  std::string authorization;  // the Authorization header value
  SignatureParts parts;
};

// Signs the request at unix_time. The request must contain a Host header (signed verbatim,
// port included) and none of the headers the signer adds (X-Amz-Date, X-Amz-Security-Token,
// Authorization, and X-Amz-Content-SHA256 for s3); kInvalidArgument otherwise, or on a bad
// header name, a bad % escape in the query, or a missing payload hash. For s3 the payload hash
// comes from request.payload_hash. Re-sign on every retry (the date changes).
[[nodiscard]] Result<SignResult> Sign(const Request& request, const Credentials& credentials,
                                      std::string_view region, std::string_view service,
                                      int64_t unix_time);

// Compares two strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace mtg::sign
