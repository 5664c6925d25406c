#include "sign/verify.h"

#include "sign/canonical.h"

namespace mtg::sign {
namespace {

std::unexpected<AuthFailure> Failure(AuthFailureKind kind, std::string message) {
  return std::unexpected(AuthFailure{kind, std::move(message), {}, {}});
}

std::string JoinedValue(const std::vector<std::string_view>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += TrimAll(values[i]);
  }
  return out;
}

}  // namespace

std::string_view AuthFailureName(AuthFailureKind kind) {
  switch (kind) {
    case AuthFailureKind::kMissingAuth: return "MissingAuth";
    case AuthFailureKind::kMalformedAuth: return "MalformedAuth";
    case AuthFailureKind::kMissingDate: return "MissingDate";
    case AuthFailureKind::kMalformedDate: return "MalformedDate";
    case AuthFailureKind::kScopeMismatch: return "ScopeMismatch";
    case AuthFailureKind::kTimeSkewed: return "TimeSkewed";
    case AuthFailureKind::kSignedHeaderMissing: return "SignedHeaderMissing";
    case AuthFailureKind::kUnknownAccessKey: return "UnknownAccessKey";
    case AuthFailureKind::kBadRequest: return "BadRequest";
    case AuthFailureKind::kPayloadHashMismatch: return "PayloadHashMismatch";
    case AuthFailureKind::kSignatureMismatch: return "SignatureMismatch";
  }
  return "Unknown";
}

Error AuthFailure::ToError() const {
  Error e(ErrorCode::kAuth, std::string(AuthFailureName(kind)) + ": " + message);
  return e;
}

AuthResult<VerifiedRequest> Verify(const Request& request, const SecretLookup& lookup,
                                   const VerifyOptions& options) {
  const auto auth_values = HeaderValues(request.headers, "authorization");
  if (auth_values.empty()) return Failure(AuthFailureKind::kMissingAuth, "no Authorization header");
  if (auth_values.size() > 1) {
    return Failure(AuthFailureKind::kMalformedAuth, "more than one Authorization header");
  }
  auto auth = ParseAuthorization(auth_values.front());
  if (!auth) return std::unexpected(std::move(auth.error()));

  // The request time: X-Amz-Date wins over Date, as in AWS.
  int64_t request_time = 0;
  if (const Header* amz = FindHeader(request.headers, "x-amz-date")) {
    auto t = ParseAmzDate(TrimAll(amz->value));
    if (!t) return Failure(AuthFailureKind::kMalformedDate, "X-Amz-Date is not YYYYMMDDTHHMMSSZ");
    request_time = *t;
  } else if (const Header* date = FindHeader(request.headers, "date")) {
    auto t = ParseHttpDate(TrimAll(date->value));
    if (!t) return Failure(AuthFailureKind::kMalformedDate, "Date is not an HTTP date");
    request_time = *t;
  } else {
    return Failure(AuthFailureKind::kMissingDate, "neither X-Amz-Date nor Date is present");
  }
  const std::string amz_date = AmzDate(request_time);

  if (auth->date_stamp != amz_date.substr(0, 8)) {
    return Failure(AuthFailureKind::kScopeMismatch,
                   "credential scope date " + auth->date_stamp + " is not the request day " +
                       amz_date.substr(0, 8));
  }
  if (!options.expected_region.empty() && auth->region != options.expected_region) {
    return Failure(AuthFailureKind::kScopeMismatch,
                   "credential scope region must be " + std::string(options.expected_region));
  }
  if (!options.expected_service.empty() && auth->service != options.expected_service) {
    return Failure(AuthFailureKind::kScopeMismatch,
                   "credential scope service must be " + std::string(options.expected_service));
  }
  const int64_t skew = request_time - options.now_unix;
  if (skew > options.max_skew_seconds || -skew > options.max_skew_seconds) {
    return Failure(AuthFailureKind::kTimeSkewed, "request time " + amz_date +
                                                     " differs from server time " +
                                                     AmzDate(options.now_unix) + " by more than " +
                                                     std::to_string(options.max_skew_seconds) + " s");
  }

  bool host_signed = false;
  CanonicalInput input;
  for (const std::string& name : auth->signed_headers) {
    const auto values = HeaderValues(request.headers, name);
    if (values.empty()) {
      return Failure(AuthFailureKind::kSignedHeaderMissing, "signed header " + name + " is missing");
    }
    host_signed = host_signed || name == "host";
    input.headers.emplace_back(name, JoinedValue(values));
  }
  if (!host_signed) return Failure(AuthFailureKind::kMalformedAuth, "host must be a signed header");

  auto secret = lookup ? lookup(auth->access_key) : std::nullopt;
  if (!secret) return Failure(AuthFailureKind::kUnknownAccessKey, "unknown access key");

  VerifiedRequest verified;
  const Header* content = FindHeader(request.headers, "x-amz-content-sha256");
  if (content != nullptr) {
    verified.payload_hash = content->value;
  } else if (!request.payload_hash.empty()) {
    verified.payload_hash = request.payload_hash;
  } else {
    return Failure(AuthFailureKind::kBadRequest, "no payload hash: the body must be hashed first");
  }

  auto query = CanonicalQuery(request.query);
  if (!query) return Failure(AuthFailureKind::kBadRequest, "query has a bad percent escape");

  input.method = request.method;
  input.canonical_uri = CanonicalUri(request.path, auth->service);
  input.canonical_query = std::move(*query);
  input.payload_hash = verified.payload_hash;
  input.amz_date = amz_date;
  input.date_stamp = auth->date_stamp;
  input.region = auth->region;
  input.service = auth->service;
  SignatureParts parts = ComputeSignature(input, *secret);
  if (!ConstantTimeEquals(parts.signature, auth->signature)) {
    AuthFailure failure{AuthFailureKind::kSignatureMismatch,
                        "the request signature does not match the one computed", {}, {}};
    failure.canonical_request = std::move(parts.canonical_request);
    failure.string_to_sign = std::move(parts.string_to_sign);
    return std::unexpected(std::move(failure));
  }

  // Only now, with the sender authenticated, compare the signed hash with the body.
  if (content != nullptr && verified.payload_hash != kUnsignedPayload) {
    if (request.payload_hash.empty()) {
      verified.payload_hash_unchecked = true;
    } else if (verified.payload_hash != request.payload_hash) {
      return Failure(AuthFailureKind::kPayloadHashMismatch,
                     "x-amz-content-sha256 does not match the body");
    }
  }

  verified.access_key = std::move(auth->access_key);
  verified.region = std::move(auth->region);
  verified.service = std::move(auth->service);
  verified.request_time = request_time;
  if (const Header* token = FindHeader(request.headers, "x-amz-security-token")) {
    verified.session_token = token->value;
  }
  return verified;
}

}  // namespace mtg::sign
