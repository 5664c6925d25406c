// SigV4 verification of incoming requests (over src/sign) and the mapping of each failure to
// the error the service returns. Accounts: each configured access key is one account; its
// 12-digit account id is derived from the access key, so it is stable across restarts without
// storing anything secret.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api_error.h"
#include "http.h"
#include "sign/verify.h"

namespace mtg::server {

struct AuthOutcome {
  std::string access_key;
  std::string account_id;
  std::string region;
  // When set, the body must hash to this (x-amz-content-sha256); checked while it streams.
  std::optional<std::string> expected_body_sha256;
};

class Authenticator {
 public:
  // Registers an account (secrets are also registered with the log redactor).
  void AddCredentials(std::string access_key, std::string secret_key);
  bool empty() const { return accounts_.empty(); }
  const std::map<std::string, std::pair<std::string, std::string>, std::less<>>& accounts() const {
    return accounts_;
  }

  static std::string AccountIdFor(std::string_view access_key);

  // Verifies the request's signature at now_unix. body_sha256: hex SHA-256 of the body when the
  // caller has read it already ("" otherwise; then x-amz-content-sha256 must be present).
  std::expected<AuthOutcome, ApiError> Verify(const Request& request, int64_t now_unix,
                                              std::string_view body_sha256) const;

 private:
  // access key → (secret key, account id)
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> accounts_;
};

// Maps a verifier failure to Glacier's error (status, code, message).
ApiError AuthFailureToApiError(const sign::AuthFailure& failure, int64_t now_unix,
                               const Request& request);

}  // namespace mtg::server
