// Fuzzes the SigV4 parsers and canonicalisers with arbitrary bytes. Input layout: the first
// line is a raw "path?query" as a request line would carry it; the rest is an Authorization
// header value. The whole input is also tried as an Authorization value on its own.
// Nothing may crash, and what is accepted must satisfy the invariants checked below.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sign/canonical.h"
#include "sign/sigv4.h"
#include "sign/verify.h"

namespace {

using namespace mtg::sign;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// True when s holds only unreserved characters, '%' and the given extra characters.
bool OnlyEncodedChars(std::string_view s, std::string_view extra) {
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '%' ||
                    extra.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

void FuzzAuthorization(std::string_view value) {
  auto parsed = ParseAuthorization(value);
  if (!parsed) {
    Check(parsed.error().kind == AuthFailureKind::kMalformedAuth && !parsed.error().message.empty());
    return;
  }
  Check(parsed->signature.size() == 64 && parsed->date_stamp.size() == 8);
  Check(!parsed->signed_headers.empty());
  // What was accepted formats back into a header that parses to the same fields.
  auto again = ParseAuthorization(FormatAuthorization(parsed->access_key, parsed->CredentialScope(),
                                                      parsed->signed_headers_text, parsed->signature));
  Check(again.has_value() && again->access_key == parsed->access_key &&
        again->signed_headers == parsed->signed_headers && again->region == parsed->region &&
        again->service == parsed->service && again->signature == parsed->signature);
}

void FuzzPathAndQuery(std::string_view target) {
  const size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

  const std::string glacier_uri = CanonicalUri(path, "glacier");
  Check(!glacier_uri.empty() && OnlyEncodedChars(glacier_uri, "/"));
  Check(!CanonicalUri(path, "s3").empty());
  if (path.starts_with('/')) {
    Check(RemoveDotSegments(RemoveDotSegments(path)) == RemoveDotSegments(path));
  }

  auto canonical = CanonicalQuery(query);
  if (canonical) {
    Check(OnlyEncodedChars(*canonical, "=&"));
    auto twice = CanonicalQuery(*canonical);
    Check(twice.has_value() && *twice == *canonical);  // canonical form is a fixed point
  } else {
    Check(canonical.error().code == mtg::ErrorCode::kParse);
  }
  if (auto decoded = PercentDecode(path)) {
    Check(*PercentDecode(UriEncode(*decoded, false)) == *decoded);
  }
}

void FuzzVerify(std::string_view target, std::string_view authorization) {
  Request r;
  r.method = "GET";
  const size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
  r.headers = {{"Host", "127.0.0.1:9000"},
               {"X-Amz-Date", "20120525T002453Z"},
               {"x-amz-glacier-version", "2012-06-01"},
               {"Authorization", std::string(authorization)}};
  r.payload_hash = std::string(kEmptyPayloadSha256);
  VerifyOptions options;
  options.now_unix = 1337905493;
  auto v = Verify(r, [](std::string_view) { return std::string("secret"); }, options);
  // Accepting a signature the fuzzer guessed would mean the check is broken.
  Check(!v.has_value());

  // Signing what the fuzzer sent works or fails cleanly, and the result verifies.
  Request unsigned_request = r;
  unsigned_request.headers.resize(1);
  unsigned_request.headers.push_back({"x-amz-glacier-version", "2012-06-01"});
  auto s = Sign(unsigned_request, {"AK", "secret", ""}, "us-east-1", "glacier", 1337905493);
  if (s) {
    for (const Header& h : s->added_headers) unsigned_request.headers.push_back(h);
    unsigned_request.headers.push_back({"Authorization", s->authorization});
    Check(Verify(unsigned_request, [](std::string_view) { return std::string("secret"); }, options)
              .has_value());
  }
  (void)ParseAmzDate(authorization);
  (void)ParseHttpDate(authorization);
  (void)TrimAll(authorization);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  FuzzAuthorization(input);
  const size_t nl = input.find('\n');
  const std::string_view target = input.substr(0, nl);
  const std::string_view authorization = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  FuzzAuthorization(authorization);
  FuzzPathAndQuery(target);
  FuzzVerify(target, authorization);
  return 0;
}
