#include "sign/sigv4.h"

#include <algorithm>
#include <array>
#include <map>

#include "sign/canonical.h"

namespace mtg::sign {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string ToUpperAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

const Header* FindHeader(const Headers& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return &h;
  }
  return nullptr;
}

std::vector<std::string_view> HeaderValues(const Headers& headers, std::string_view name) {
  std::vector<std::string_view> values;
  for (const Header& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) values.push_back(h.value);
  }
  return values;
}

Result<std::string> PayloadHashOf(const Request& request) {
  if (const Header* h = FindHeader(request.headers, "x-amz-content-sha256")) return h->value;
  if (request.payload_hash.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "no payload hash: neither x-amz-content-sha256 nor a body hash");
  }
  return request.payload_hash;
}

std::string CredentialScope(std::string_view date_stamp, std::string_view region,
                            std::string_view service) {
  std::string out;
  out.reserve(date_stamp.size() + region.size() + service.size() + 16);
  out.append(date_stamp).append("/").append(region).append("/").append(service).append("/aws4_request");
  return out;
}

std::string CanonicalRequest(const CanonicalInput& input) {
  std::string out;
  out.reserve(256);
  out.append(input.method).append("\n");
  out.append(input.canonical_uri).append("\n");
  out.append(input.canonical_query).append("\n");
  std::string signed_headers;
  for (const auto& [name, value] : input.headers) {
    out.append(name).append(":").append(value).append("\n");
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }
  out.append("\n").append(signed_headers).append("\n").append(input.payload_hash);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.append("\n").append(amz_date).append("\n").append(scope).append("\n");
  out.append(hash::Sha256Hex(canonical_request));
  return out;
}

hash::Digest SigningKey(std::string_view secret_key, std::string_view date_stamp,
                        std::string_view region, std::string_view service) {
  std::string k_secret = "AWS4";
  k_secret.append(secret_key);
  hash::Digest key = hash::HmacSha256(hash::AsBytes(k_secret), date_stamp);
  std::fill(k_secret.begin(), k_secret.end(), '\0');
  key = hash::HmacSha256(key, region);
  key = hash::HmacSha256(key, service);
  return hash::HmacSha256(key, std::string_view("aws4_request"));
}

SignatureParts ComputeSignature(const CanonicalInput& input, std::string_view secret_key) {
  SignatureParts parts;
  parts.canonical_request = CanonicalRequest(input);
  parts.canonical_request_sha256 = hash::Sha256Hex(parts.canonical_request);
  parts.credential_scope = CredentialScope(input.date_stamp, input.region, input.service);
  parts.string_to_sign = std::string(kAlgorithm) + "\n" + input.amz_date + "\n" +
                         parts.credential_scope + "\n" + parts.canonical_request_sha256;
  const hash::Digest key = SigningKey(secret_key, input.date_stamp, input.region, input.service);
  parts.signing_key_hex = hash::ToHex(key);
  for (const auto& h : input.headers) {
    if (!parts.signed_headers.empty()) parts.signed_headers += ';';
    parts.signed_headers += h.first;
  }
  parts.signature = hash::ToHex(hash::HmacSha256(key, parts.string_to_sign));
  return parts;
}

std::string FormatAuthorization(std::string_view access_key, std::string_view scope,
                                std::string_view signed_headers, std::string_view signature) {
  std::string out(kAlgorithm);
  out.append(" Credential=").append(access_key).append("/").append(scope);
  out.append(", SignedHeaders=").append(signed_headers);
  out.append(", Signature=").append(signature);
  return out;
}

bool IsSignableHeader(std::string_view lowercase_name) {
  static constexpr std::array<std::string_view, 12> kUnsigned = {
      "authorization", "user-agent", "expect",           "transfer-encoding",   "x-amzn-trace-id",
      "connection",    "keep-alive", "proxy-connection", "proxy-authorization", "te",
      "trailer",       "upgrade"};
  return std::find(kUnsigned.begin(), kUnsigned.end(), lowercase_name) == kUnsigned.end();
}

Result<SignResult> Sign(const Request& request, const Credentials& credentials,
                        std::string_view region, std::string_view service, int64_t unix_time) {
  if (credentials.access_key.empty() || credentials.secret_key.empty()) {
    return Fail(ErrorCode::kAuth, "signing: no access key or secret key");
  }
  if (region.empty() || service.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "signing: empty region or service");
  }
  const bool s3 = IsS3Service(service);
  for (const Header& h : request.headers) {
    if (!IsHeaderNameToken(h.name)) {
      return Fail(ErrorCode::kInvalidArgument, "signing: bad header name '" + h.name + "'");
    }
    const std::string lower = ToLowerAscii(h.name);
    if (lower == "x-amz-date" || lower == "x-amz-security-token" || lower == "authorization" ||
        (s3 && lower == "x-amz-content-sha256")) {
      return Fail(ErrorCode::kInvalidArgument, "signing: header " + h.name + " is added by the signer");
    }
  }
  if (FindHeader(request.headers, "host") == nullptr) {
    return Fail(ErrorCode::kInvalidArgument, "signing: no Host header");
  }

  SignResult result;
  const std::string amz_date = AmzDate(unix_time);
  result.added_headers.push_back({"X-Amz-Date", amz_date});
  if (!credentials.session_token.empty()) {
    result.added_headers.push_back({"X-Amz-Security-Token", credentials.session_token});
  }
  std::string payload_hash;
  if (s3) {
    if (request.payload_hash.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "signing: s3 request without a payload hash");
    }
    payload_hash = request.payload_hash;
    result.added_headers.push_back({"X-Amz-Content-SHA256", payload_hash});
  } else {
    auto hash = PayloadHashOf(request);
    if (!hash) return Fail(std::move(hash.error()).WithContext("signing"));
    if (!request.payload_hash.empty() && *hash != request.payload_hash) {
      return Fail(ErrorCode::kInvalidArgument,
                  "signing: x-amz-content-sha256 differs from the payload hash");
    }
    payload_hash = std::move(*hash);
  }

  // Sorted by lowercase name; repeats keep wire order and are joined with ','.
  std::map<std::string, std::string> signed_headers;
  auto add = [&](const Header& h) {
    std::string lower = ToLowerAscii(h.name);
    if (!IsSignableHeader(lower)) return;
    auto [it, inserted] = signed_headers.try_emplace(std::move(lower), TrimAll(h.value));
    if (!inserted) it->second.append(",").append(TrimAll(h.value));
  };
  for (const Header& h : request.headers) add(h);
  for (const Header& h : result.added_headers) add(h);

  auto query = CanonicalQuery(request.query);
  if (!query) return Fail(ErrorCode::kInvalidArgument, "signing: " + query.error().message);

  CanonicalInput input;
  input.method = ToUpperAscii(request.method);
  input.canonical_uri = CanonicalUri(request.path, service);
  input.canonical_query = std::move(*query);
  input.headers.assign(signed_headers.begin(), signed_headers.end());
  input.payload_hash = std::move(payload_hash);
  input.amz_date = amz_date;
  input.date_stamp = amz_date.substr(0, 8);
  input.region = std::string(region);
  input.service = std::string(service);

  result.parts = ComputeSignature(input, credentials.secret_key);
  result.authorization = FormatAuthorization(credentials.access_key, result.parts.credential_scope,
                                             result.parts.signed_headers, result.parts.signature);
  return result;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(a[i]) ^
                                              static_cast<unsigned char>(b[i])));
  }
  return diff == 0;
}

}  // namespace mtg::sign
