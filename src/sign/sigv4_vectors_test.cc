// Every case of vectors/sigv4.json, both ways: Sign() must reproduce botocore's canonical
// request, string to sign, signing key, signature and Authorization byte for byte, and
// Verify() must accept the full wire request and reject each single-point change.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "hash/sha256.h"
#include "sign/canonical.h"
#include "sign/sigv4.h"
#include "sign/verify.h"

namespace mtg::sign {
namespace {

using nlohmann::json;

std::string SharedDir() {
  if (const char* env = std::getenv("MTG_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  return MTG_SHARED_DIR;
}

const json& Vectors() {
  static const json doc = [] {
    std::ifstream in(SharedDir() + "/vectors/sigv4.json");
    if (!in) return json::object();
    return json::parse(in);
  }();
  return doc;
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  if (Vectors().contains("cases")) {
    for (const auto& c : Vectors()["cases"]) names.push_back(c["name"].get<std::string>());
  }
  return names;
}

const json& CaseNamed(const std::string& name) {
  for (const auto& c : Vectors()["cases"]) {
    if (c["name"] == name) return c;
  }
  std::abort();
}

std::string Body(const json& c) {
  const json& b = c["body"];
  if (b.contains("string")) return b["string"].get<std::string>();
  EXPECT_EQ(b["generator"], "i%251");
  const uint64_t offset = b.value("offset", uint64_t{0});
  const uint64_t size = b["size"].get<uint64_t>();
  std::string out(size, '\0');
  for (uint64_t j = 0; j < size; ++j) out[j] = static_cast<char>((offset + j) % 251);
  return out;
}

std::set<std::string> Split(const std::string& text, char sep) {
  std::set<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    out.insert(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Headers WireHeaders(const json& c) {
  Headers headers;
  for (const auto& h : c["headers"]) headers.push_back({h[0].get<std::string>(), h[1].get<std::string>()});
  return headers;
}

Credentials CredentialsOf(const json& c) {
  Credentials creds{c["access_key"].get<std::string>(), c["secret_key"].get<std::string>(), ""};
  if (!c["session_token"].is_null()) creds.session_token = c["session_token"].get<std::string>();
  return creds;
}

int64_t TimeOf(const json& c) { return *ParseAmzDate(c["amz_date"].get<std::string>()); }

VerifyOptions Options(int64_t now, std::string_view region = "", std::string_view service = "") {
  VerifyOptions options;
  options.now_unix = now;
  options.expected_region = region;
  options.expected_service = service;
  return options;
}

class SigV4Vector : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    c_ = &CaseNamed(GetParam());
    body_ = Body(*c_);
    body_sha256_ = hash::Sha256Hex(body_);
    ASSERT_EQ(body_sha256_, (*c_)["body_sha256"].get<std::string>());
    signed_ = Split((*c_)["expected"]["signed_headers"].get<std::string>(), ';');
    wire_ = WireHeaders(*c_);
    for (const auto& name : (*c_)["added_by_signer"]) added_.insert(ToLowerAscii(name.get<std::string>()));
  }

  // The request the client code would hand to Sign(): the signed headers minus the signer's.
  Request ClientRequest() const {
    Request r;
    r.method = (*c_)["method"].get<std::string>();
    r.path = (*c_)["path"].get<std::string>();
    r.query = (*c_)["query"].get<std::string>();
    for (const Header& h : wire_) {
      const std::string lower = ToLowerAscii(h.name);
      if (signed_.contains(lower) && !added_.contains(lower)) r.headers.push_back(h);
    }
    r.payload_hash = body_sha256_;
    if (const Header* h = FindHeader(wire_, "x-amz-content-sha256");
        h != nullptr && h->value == kUnsignedPayload) {
      r.payload_hash = std::string(kUnsignedPayload);
    }
    return r;
  }

  // The request as the server receives it.
  Request ServerRequest() const {
    Request r;
    r.method = (*c_)["method"].get<std::string>();
    r.path = (*c_)["path"].get<std::string>();
    r.query = (*c_)["query"].get<std::string>();
    r.headers = wire_;
    r.headers.push_back({"Authorization", (*c_)["expected"]["authorization"].get<std::string>()});
    r.payload_hash = body_sha256_;
    return r;
  }

  AuthResult<VerifiedRequest> VerifyAt(const Request& r, int64_t now) const {
    const std::string ak = (*c_)["access_key"].get<std::string>();
    const std::string sk = (*c_)["secret_key"].get<std::string>();
    SecretLookup lookup = [ak, sk](std::string_view key) -> std::optional<std::string> {
      if (key == ak) return sk;
      return std::nullopt;
    };
    return Verify(r, lookup, Options(now));
  }
  AuthResult<VerifiedRequest> VerifyNow(const Request& r) const { return VerifyAt(r, TimeOf(*c_)); }

  bool HasContentHeader() const {
    return FindHeader(wire_, "x-amz-content-sha256") != nullptr;
  }
  bool UnsignedPayload() const {
    const Header* h = FindHeader(wire_, "x-amz-content-sha256");
    return h != nullptr && h->value == kUnsignedPayload;
  }

  const json* c_ = nullptr;
  std::string body_;
  std::string body_sha256_;
  std::set<std::string> signed_;
  std::set<std::string> added_;
  Headers wire_;
};

std::string FlipLast(std::string s) {
  if (s.empty()) return "x";
  s.back() = s.back() == 'a' ? 'b' : 'a';
  return s;
}

TEST(SigV4Vectors, FileHasAllCases) {
  ASSERT_TRUE(Vectors().contains("cases")) << "cannot read " << SharedDir() << "/vectors/sigv4.json";
  int glacier = 0, s3 = 0;
  for (const auto& c : Vectors()["cases"]) (c["service"] == "s3" ? s3 : glacier)++;
  EXPECT_EQ(glacier, 22);
  EXPECT_EQ(s3, 10);
}

// The checks, one method each; the TEST_Ps below group them so that ctest runs three
// processes per case instead of one per check.
class SigV4Checks : public SigV4Vector {
 protected:
  void ClientSignsLikeBotocore() {
    const json& e = (*c_)["expected"];
    auto r = Sign(ClientRequest(), CredentialsOf(*c_), (*c_)["region"].get<std::string>(),
                  (*c_)["service"].get<std::string>(), TimeOf(*c_));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->parts.canonical_request, e["canonical_request"].get<std::string>());
    EXPECT_EQ(r->parts.canonical_request_sha256, e["canonical_request_sha256"].get<std::string>());
    EXPECT_EQ(r->parts.credential_scope, e["credential_scope"].get<std::string>());
    EXPECT_EQ(r->parts.string_to_sign, e["string_to_sign"].get<std::string>());
    EXPECT_EQ(r->parts.signing_key_hex, e["signing_key_hex"].get<std::string>());
    EXPECT_EQ(r->parts.signed_headers, e["signed_headers"].get<std::string>());
    EXPECT_EQ(r->parts.signature, e["signature"].get<std::string>());
    EXPECT_EQ(r->authorization, e["authorization"].get<std::string>());

    // The added headers are exactly added_by_signer, with the values seen on the wire.
    ASSERT_EQ(r->added_headers.size(), (*c_)["added_by_signer"].size());
    for (const Header& h : r->added_headers) {
      EXPECT_TRUE(added_.contains(ToLowerAscii(h.name))) << h.name;
      const Header* wire = FindHeader(wire_, h.name);
      ASSERT_NE(wire, nullptr) << h.name;
      EXPECT_EQ(h.value, wire->value) << h.name;
    }
    if (c_->contains("published_signature")) {
      EXPECT_EQ(r->parts.signature, (*c_)["published_signature"].get<std::string>());
      EXPECT_EQ(r->parts.canonical_request_sha256,
                "5f1da1a2d0feb614dd03d71e87928b8e449ac87614479332aced3a701f916743");
    }
  }

  void ClientIgnoresTransportHeaders() {
    // Headers the rule never signs (User-Agent, Expect, Connection) may be passed along.
    Request req = ClientRequest();
    int extra = 0;
    for (const Header& h : wire_) {
      if (!IsSignableHeader(ToLowerAscii(h.name))) {
        req.headers.push_back(h);
        ++extra;
      }
    }
    req.headers.push_back({"X-Amzn-Trace-Id", "Root=1-00000000-000000000000000000000000"});
    auto r = Sign(req, CredentialsOf(*c_), (*c_)["region"].get<std::string>(),
                  (*c_)["service"].get<std::string>(), TimeOf(*c_));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->authorization, (*c_)["expected"]["authorization"].get<std::string>()) << extra;
  }

  void ServerAcceptsWireRequest() {
    auto v = VerifyNow(ServerRequest());
    ASSERT_TRUE(v.has_value()) << AuthFailureName(v.error().kind) << ": " << v.error().message;
    EXPECT_EQ(v->access_key, (*c_)["access_key"].get<std::string>());
    EXPECT_EQ(v->region, (*c_)["region"].get<std::string>());
    EXPECT_EQ(v->service, (*c_)["service"].get<std::string>());
    EXPECT_EQ(v->request_time, TimeOf(*c_));
    EXPECT_FALSE(v->payload_hash_unchecked);
    EXPECT_EQ(v->payload_hash, UnsignedPayload() ? std::string(kUnsignedPayload) : body_sha256_);
    const std::string token = (*c_)["session_token"].is_null() ? "" : (*c_)["session_token"].get<std::string>();
    EXPECT_EQ(v->session_token, token);
  }

  void ServerAcceptsAnyHeaderOrderAndNameCase() {
    Request r = ServerRequest();
    std::reverse(r.headers.begin(), r.headers.end());
    for (Header& h : r.headers) {
      for (char& ch : h.name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    auto v = VerifyNow(r);
    EXPECT_TRUE(v.has_value()) << v.error().message;
  }

  void ServerRejectsChangedBody() {
    std::string body = body_.empty() ? std::string("x") : body_;
    body[body.size() / 2] = static_cast<char>(body[body.size() / 2] ^ 1);
    Request r = ServerRequest();
    r.payload_hash = hash::Sha256Hex(body);
    auto v = VerifyNow(r);
    if (UnsignedPayload()) {
      EXPECT_TRUE(v.has_value()) << "UNSIGNED-PAYLOAD does not cover the body";
      return;
    }
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().kind, HasContentHeader() ? AuthFailureKind::kPayloadHashMismatch
                                                 : AuthFailureKind::kSignatureMismatch);
  }

  void ServerWithoutBodyHash() {
    Request r = ServerRequest();
    r.payload_hash.clear();
    auto v = VerifyNow(r);
    if (HasContentHeader()) {
      ASSERT_TRUE(v.has_value()) << v.error().message;
      EXPECT_EQ(v->payload_hash_unchecked, !UnsignedPayload());
    } else {
      ASSERT_FALSE(v.has_value());
      EXPECT_EQ(v.error().kind, AuthFailureKind::kBadRequest);
    }
  }

  void ServerRejectsChangedSignedHeader() {
    const Request base = ServerRequest();
    for (size_t i = 0; i + 1 < base.headers.size(); ++i) {  // the last one is Authorization
      if (!signed_.contains(ToLowerAscii(base.headers[i].name))) continue;
      Request r = base;
      r.headers[i].value = FlipLast(r.headers[i].value);
      EXPECT_FALSE(VerifyNow(r).has_value()) << base.headers[i].name;
    }
  }

  void ServerAcceptsChangedUnsignedHeader() {
    const Request base = ServerRequest();
    for (size_t i = 0; i + 1 < base.headers.size(); ++i) {
      if (signed_.contains(ToLowerAscii(base.headers[i].name))) continue;
      Request r = base;
      r.headers[i].value = FlipLast(r.headers[i].value);
      auto v = VerifyNow(r);
      EXPECT_TRUE(v.has_value()) << base.headers[i].name << ": " << v.error().message;
    }
    Request r = base;
    r.headers.push_back({"X-Forwarded-For", "127.0.0.2"});
    EXPECT_TRUE(VerifyNow(r).has_value());
  }

  void ServerRejectsMissingSignedHeader() {
    for (const std::string& name : signed_) {
      Request r = ServerRequest();
      std::erase_if(r.headers, [&](const Header& h) { return ToLowerAscii(h.name) == name; });
      auto v = VerifyNow(r);
      ASSERT_FALSE(v.has_value()) << name;
      // Without X-Amz-Date the request has no date at all; otherwise the header is missing.
      EXPECT_EQ(v.error().kind, name == "x-amz-date" ? AuthFailureKind::kMissingDate
                                                      : AuthFailureKind::kSignedHeaderMissing)
          << name;
    }
  }

  void ServerRejectsChangedPathQueryOrSignature() {
    Request path = ServerRequest();
    path.path = FlipLast(path.path);
    auto v = VerifyNow(path);
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().kind, AuthFailureKind::kSignatureMismatch);
    EXPECT_FALSE(v.error().canonical_request.empty());
    EXPECT_FALSE(v.error().string_to_sign.empty());

    Request query = ServerRequest();
    query.query = query.query.empty() ? "x=1" : FlipLast(query.query);
    v = VerifyNow(query);
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().kind, AuthFailureKind::kSignatureMismatch);

    Request added = ServerRequest();
    added.query = added.query.empty() ? "limit=1" : added.query + "&limit=1";
    EXPECT_FALSE(VerifyNow(added).has_value());

    Request sig = ServerRequest();
    sig.headers.back().value = FlipLast(sig.headers.back().value);
    v = VerifyNow(sig);
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().kind, AuthFailureKind::kSignatureMismatch);

    Request method = ServerRequest();
    method.method = method.method == "GET" ? "HEAD" : "GET";
    EXPECT_FALSE(VerifyNow(method).has_value());
  }

  void ServerChecksClockSkew() {
    const Request r = ServerRequest();
    const int64_t t = TimeOf(*c_);
    EXPECT_TRUE(VerifyAt(r, t + 15 * 60).has_value());
    EXPECT_TRUE(VerifyAt(r, t - 15 * 60).has_value());
    for (int64_t now : {t + 16 * 60, t - 16 * 60, int64_t{1700000000}}) {
      auto v = VerifyAt(r, now);
      ASSERT_FALSE(v.has_value());
      EXPECT_EQ(v.error().kind, AuthFailureKind::kTimeSkewed);
    }
  }

  void ServerRejectsUnknownKeyWrongSecretAndScope() {
    const Request r = ServerRequest();
    auto unknown = Verify(r, [](std::string_view) { return std::nullopt; },
                          Options(TimeOf(*c_)));
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().kind, AuthFailureKind::kUnknownAccessKey);

    auto wrong = Verify(r, [](std::string_view) { return std::string("not the secret"); },
                        Options(TimeOf(*c_)));
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error().kind, AuthFailureKind::kSignatureMismatch);

    // The scope date must be the request day.
    Request scope = r;
    std::string& auth = scope.headers.back().value;
    const std::string day = (*c_)["amz_date"].get<std::string>().substr(0, 8);
    auth.replace(auth.find("/" + day + "/") + 1, 8, day == "20240101" ? "20240102" : "20240101");
    auto v = VerifyNow(scope);
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().kind, AuthFailureKind::kScopeMismatch);

    const std::string region = (*c_)["region"].get<std::string>();
    const std::string service = (*c_)["service"].get<std::string>();
    auto lookup = [&](std::string_view) { return std::optional<std::string>((*c_)["secret_key"]); };
    EXPECT_TRUE(Verify(r, lookup, Options(TimeOf(*c_), region, service)));
    auto other_region = Verify(r, lookup, Options(TimeOf(*c_), "ap-south-1"));
    ASSERT_FALSE(other_region.has_value());
    EXPECT_EQ(other_region.error().kind, AuthFailureKind::kScopeMismatch);
    auto other_service = Verify(r, lookup, Options(TimeOf(*c_), "", "sqs"));
    ASSERT_FALSE(other_service.has_value());
    EXPECT_EQ(other_service.error().kind, AuthFailureKind::kScopeMismatch);
  }

  void ServerAuthorizationWithoutSpaces() {
    Request r = ServerRequest();
    std::string& auth = r.headers.back().value;
    for (size_t pos; (pos = auth.find(", ")) != std::string::npos;) auth.erase(pos + 1, 1);
    auto v = VerifyNow(r);
    EXPECT_TRUE(v.has_value()) << v.error().message;
  }
};

TEST_P(SigV4Checks, Client) {
  {
    SCOPED_TRACE("ClientSignsLikeBotocore");
    ClientSignsLikeBotocore();
  }
  {
    SCOPED_TRACE("ClientIgnoresTransportHeaders");
    ClientIgnoresTransportHeaders();
  }
}

TEST_P(SigV4Checks, ServerAccepts) {
  {
    SCOPED_TRACE("ServerAcceptsWireRequest");
    ServerAcceptsWireRequest();
  }
  {
    SCOPED_TRACE("ServerAcceptsAnyHeaderOrderAndNameCase");
    ServerAcceptsAnyHeaderOrderAndNameCase();
  }
  {
    SCOPED_TRACE("ServerWithoutBodyHash");
    ServerWithoutBodyHash();
  }
  {
    SCOPED_TRACE("ServerAcceptsChangedUnsignedHeader");
    ServerAcceptsChangedUnsignedHeader();
  }
  {
    SCOPED_TRACE("ServerAuthorizationWithoutSpaces");
    ServerAuthorizationWithoutSpaces();
  }
}

TEST_P(SigV4Checks, ServerRejects) {
  {
    SCOPED_TRACE("ServerRejectsChangedBody");
    ServerRejectsChangedBody();
  }
  {
    SCOPED_TRACE("ServerRejectsChangedSignedHeader");
    ServerRejectsChangedSignedHeader();
  }
  {
    SCOPED_TRACE("ServerRejectsMissingSignedHeader");
    ServerRejectsMissingSignedHeader();
  }
  {
    SCOPED_TRACE("ServerRejectsChangedPathQueryOrSignature");
    ServerRejectsChangedPathQueryOrSignature();
  }
  {
    SCOPED_TRACE("ServerChecksClockSkew");
    ServerChecksClockSkew();
  }
  {
    SCOPED_TRACE("ServerRejectsUnknownKeyWrongSecretAndScope");
    ServerRejectsUnknownKeyWrongSecretAndScope();
  }
}

INSTANTIATE_TEST_SUITE_P(AllCases, SigV4Checks, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace mtg::sign
