// SigV4 building blocks that are plain string functions: percent-encoding, the canonical URI
// and query, header-value "trimall", and the date formats. The signer (sigv4.h) and the
// verifier (verify.h) are both built from these, so client and server cannot drift apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace mtg::sign {

// Percent-encodes every byte outside the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~) as %XX
// with uppercase hex. With keep_slash, '/' is also left as is (for paths).
std::string UriEncode(std::string_view bytes, bool keep_slash);

// Decodes %XX escapes (either hex case). '+' stays '+': SigV4 clients encode a space as %20.
// Fails (kParse) on '%' not followed by two hex digits.
[[nodiscard]] Result<std::string> PercentDecode(std::string_view text);

// True for "s3": the service whose canonical URI is the path as sent. Every other service
// (glacier included) normalises the path and percent-encodes it a second time.
bool IsS3Service(std::string_view service);

// The path with "." / ".." / empty segments removed as botocore does (a leading and, when
// anything is left, a trailing '/' are kept; "" becomes "/").
std::string RemoveDotSegments(std::string_view path);

// The canonical URI line. s3: the raw path unchanged ("" becomes "/"). Other services:
// UriEncode(RemoveDotSegments(raw_path), keep_slash=true), so "%20" on the wire is "%2520" here.
std::string CanonicalUri(std::string_view raw_path, std::string_view service);

// The canonical query line from the raw query (no '?'): split on '&', then on the first '=',
// percent-decode key and value and re-encode them strictly (UriEncode without '/'), sort by
// (key, value) bytewise and join as k=v with '&'. "key" without '=' becomes "key=". Empty
// pieces ("a=1&&b=2") are skipped. Fails (kParse) on a bad % escape.
[[nodiscard]] Result<std::string> CanonicalQuery(std::string_view raw_query);

// Header value as signed: leading/trailing whitespace removed, inner runs of whitespace
// (space, tab, CR, LF, VT, FF) collapsed to one space.
std::string TrimAll(std::string_view value);

// True when name is a non-empty RFC 9110 token (the characters allowed in a header name).
bool IsHeaderNameToken(std::string_view name);

std::string ToLowerAscii(std::string_view text);

// "YYYYMMDDTHHMMSSZ" (UTC) for seconds since the epoch; years 0000..9999.
std::string AmzDate(int64_t unix_seconds);
// "YYYYMMDD" (UTC), the credential-scope date.
std::string DateStamp(int64_t unix_seconds);
// Parses exactly "YYYYMMDDTHHMMSSZ" (a real calendar date and time) to epoch seconds.
[[nodiscard]] Result<int64_t> ParseAmzDate(std::string_view text);
// Parses an HTTP Date header: IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", also without the
// weekday, and the AmzDate form (some clients put that in Date).
[[nodiscard]] Result<int64_t> ParseHttpDate(std::string_view text);

}  // namespace mtg::sign
