// Parsing of the Authorization header value (verify.h: ParseAuthorization).
#include <algorithm>

#include "base/hex.h"
#include "sign/canonical.h"
#include "sign/verify.h"

namespace mtg::sign {
namespace {

std::unexpected<AuthFailure> Malformed(std::string message) {
  return std::unexpected(AuthFailure{AuthFailureKind::kMalformedAuth, std::move(message), {}, {}});
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// A credential-scope field: visible ASCII other than '/', ',' and '='.
bool IsScopeField(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c > ' ' && c < 0x7f && c != '/' && c != ',' && c != '=';
  });
}

bool IsDateStamp(std::string_view s) {
  if (s.size() != 8) return false;
  std::string probe(s);
  probe += "T000000Z";
  return ParseAmzDate(probe).has_value();
}

AuthResult<void> ParseCredential(std::string_view value, Authorization& out) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t slash = value.find('/', start);
    fields.push_back(value.substr(start, slash == std::string_view::npos ? value.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (fields.size() != 5) {
    return Malformed("Credential must be AccessKey/YYYYMMDD/region/service/aws4_request");
  }
  if (!IsScopeField(fields[0])) return Malformed("Credential has a bad access key");
  if (!IsDateStamp(fields[1])) return Malformed("Credential date is not YYYYMMDD");
  if (!IsScopeField(fields[2])) return Malformed("Credential has a bad region");
  if (!IsScopeField(fields[3])) return Malformed("Credential has a bad service");
  if (fields[4] != "aws4_request") return Malformed("Credential must end with aws4_request");
  out.access_key = fields[0];
  out.date_stamp = fields[1];
  out.region = fields[2];
  out.service = fields[3];
  return {};
}

AuthResult<void> ParseSignedHeaders(std::string_view value, Authorization& out) {
  if (value.empty()) return Malformed("SignedHeaders is empty");
  size_t start = 0;
  while (true) {
    const size_t semi = value.find(';', start);
    std::string_view name =
        value.substr(start, semi == std::string_view::npos ? value.npos : semi - start);
    if (!IsHeaderNameToken(name) || ToLowerAscii(name) != name) {
      return Malformed("SignedHeaders has a bad header name");
    }
    if (std::find(out.signed_headers.begin(), out.signed_headers.end(), name) !=
        out.signed_headers.end()) {
      return Malformed("SignedHeaders names a header twice");
    }
    out.signed_headers.emplace_back(name);
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  out.signed_headers_text = value;
  return {};
}

}  // namespace

std::string Authorization::CredentialScope() const {
  return sign::CredentialScope(date_stamp, region, service);
}

AuthResult<Authorization> ParseAuthorization(std::string_view value) {
  value = TrimSpaces(value);
  if (value.substr(0, kAlgorithm.size()) != kAlgorithm || value.size() == kAlgorithm.size() ||
      !IsSpace(value[kAlgorithm.size()])) {
    return Malformed("Authorization does not start with AWS4-HMAC-SHA256 and a space");
  }
  std::string_view rest = value.substr(kAlgorithm.size());
  Authorization out;
  bool have_credential = false, have_signed = false, have_signature = false;
  while (true) {
    const size_t comma = rest.find(',');
    std::string_view part = TrimSpaces(rest.substr(0, comma));
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) return Malformed("Authorization part without '='");
    std::string_view name = part.substr(0, eq);
    std::string_view field = part.substr(eq + 1);
    if (name == "Credential") {
      if (have_credential) return Malformed("Credential given twice");
      have_credential = true;
      if (auto r = ParseCredential(field, out); !r) return std::unexpected(r.error());
    } else if (name == "SignedHeaders") {
      if (have_signed) return Malformed("SignedHeaders given twice");
      have_signed = true;
      if (auto r = ParseSignedHeaders(field, out); !r) return std::unexpected(r.error());
    } else if (name == "Signature") {
      if (have_signature) return Malformed("Signature given twice");
      have_signature = true;
      if (!IsLowerHex(field, 64)) return Malformed("Signature is not 64 lowercase hex digits");
      out.signature = field;
    } else {
      return Malformed("Authorization has an unknown part");
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (!have_credential) return Malformed("Authorization has no Credential");
  if (!have_signed) return Malformed("Authorization has no SignedHeaders");
  if (!have_signature) return Malformed("Authorization has no Signature");
  return out;
}

}  // namespace mtg::sign
