#include "auth.h"

#include <cstdio>

#include "base/log.h"
#include "hash/sha256.h"
#include "sign/canonical.h"

namespace mtg::server {

void Authenticator::AddCredentials(std::string access_key, std::string secret_key) {
  RegisterSecret(secret_key);
  std::string account = AccountIdFor(access_key);
  accounts_[std::move(access_key)] = {std::move(secret_key), std::move(account)};
}

std::string Authenticator::AccountIdFor(std::string_view access_key) {
  hash::Digest d = hash::Sha256Of("mtglacier-account:" + std::string(access_key));
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d[static_cast<size_t>(i)];
  char buf[16];
  std::snprintf(buf, sizeof buf, "%012llu", static_cast<unsigned long long>(v % 1000000000000ULL));
  return buf;
}

std::expected<AuthOutcome, ApiError> Authenticator::Verify(const Request& request, int64_t now_unix,
                                                           std::string_view body_sha256) const {
  sign::Request wire;
  wire.method = request.method;
  wire.path = request.raw_path;
  wire.query = request.raw_query;
  wire.headers.reserve(request.headers.size());
  for (const auto& h : request.headers) wire.headers.push_back({h.name, h.value});
  wire.payload_hash = std::string(body_sha256);

  sign::SecretLookup lookup = [this](std::string_view key) -> std::optional<std::string> {
    auto it = accounts_.find(key);
    if (it == accounts_.end()) return std::nullopt;
    return it->second.first;
  };
  sign::VerifyOptions options;
  options.now_unix = now_unix;
  options.expected_service = "glacier";
  auto verified = sign::Verify(wire, lookup, options);
  if (!verified) return std::unexpected(AuthFailureToApiError(verified.error(), now_unix, request));

  AuthOutcome out;
  out.access_key = verified->access_key;
  out.account_id = accounts_.find(verified->access_key)->second.second;
  out.region = verified->region;
  if (verified->payload_hash_unchecked) out.expected_body_sha256 = verified->payload_hash;
  return out;
}

ApiError AuthFailureToApiError(const sign::AuthFailure& failure, int64_t now_unix,
                               const Request& request) {
  using K = sign::AuthFailureKind;
  switch (failure.kind) {
    case K::kMissingAuth:
      return ApiError::MissingAuthenticationToken();
    case K::kUnknownAccessKey:
      return ApiError::UnrecognizedClient();
    case K::kTimeSkewed: {
      // The wording botocore recognises as clock skew (it then corrects its clock and retries).
      std::string amz = request.HeaderOr("x-amz-date");
      auto when = sign::ParseAmzDate(amz);
      std::string now = sign::AmzDate(now_unix);
      if (when && *when < now_unix) {
        return ApiError::InvalidSignature("Signature expired: " + amz + " is now earlier than " +
                                          sign::AmzDate(now_unix - 15 * 60) + " (" + now +
                                          " - 15 min.)");
      }
      return ApiError::InvalidSignature("Signature not yet current: " + amz +
                                        " is still later than " + sign::AmzDate(now_unix + 15 * 60) +
                                        " (" + now + " + 15 min.)");
    }
    case K::kSignatureMismatch:
      return ApiError::InvalidSignature(
          "The request signature we calculated does not match the signature you provided. Check "
          "your AWS Secret Access Key and signing method. Consult the service documentation for "
          "details.");
    case K::kPayloadHashMismatch:
      return ApiError::InvalidParameter("The value passed in as x-amz-content-sha256 does not "
                                        "match the computed payload hash.");
    case K::kBadRequest:
      return ApiError::InvalidParameter(failure.message);
    case K::kScopeMismatch:
    case K::kSignedHeaderMissing:
      return ApiError::InvalidSignature(failure.message);
    case K::kMalformedAuth:
    case K::kMissingDate:
    case K::kMalformedDate:
      return ApiError::Custom(403, "IncompleteSignatureException", failure.message);
  }
  return ApiError::InvalidSignature(failure.message);
}

}  // namespace mtg::server
