// Signer and verifier behaviour the vectors do not cover: argument errors, repeated headers,
// the Date fallback, and what ends up in error messages.
#include "sign/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "sign/canonical.h"
#include "sign/verify.h"

namespace mtg::sign {
namespace {

constexpr int64_t kTime = 1704067200;  // 2024-01-01T00:00:00Z
const Credentials kCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

Request BaseRequest() {
  Request r;
  r.method = "GET";
  r.path = "/-/vaults/v1";
  r.headers = {{"Host", "127.0.0.1:9000"}, {"x-amz-glacier-version", "2012-06-01"}};
  r.payload_hash = std::string(kEmptyPayloadSha256);
  return r;
}

SecretLookup Lookup() {
  return [](std::string_view key) -> std::optional<std::string> {
    if (key == kCreds.access_key) return kCreds.secret_key;
    return std::nullopt;
  };
}

VerifyOptions At(int64_t now) {
  VerifyOptions o;
  o.now_unix = now;
  return o;
}

// Signs r and returns it as the server would receive it.
Request SignedWire(Request r, const Credentials& creds = kCreds, std::string_view service = "glacier") {
  auto s = Sign(r, creds, "us-east-1", service, kTime);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  for (const Header& h : s->added_headers) r.headers.push_back(h);
  r.headers.push_back({"Authorization", s->authorization});
  return r;
}

TEST(Sign, RejectsBadArguments) {
  Request no_host = BaseRequest();
  no_host.headers.erase(no_host.headers.begin());
  EXPECT_EQ(Sign(no_host, kCreds, "us-east-1", "glacier", kTime).error().code, ErrorCode::kInvalidArgument);

  for (const char* name : {"X-Amz-Date", "x-amz-security-token", "Authorization"}) {
    Request r = BaseRequest();
    r.headers.push_back({name, "x"});
    EXPECT_FALSE(Sign(r, kCreds, "us-east-1", "glacier", kTime).has_value()) << name;
  }
  Request s3_content = BaseRequest();
  s3_content.headers.push_back({"X-Amz-Content-SHA256", std::string(kEmptyPayloadSha256)});
  EXPECT_FALSE(Sign(s3_content, kCreds, "us-east-1", "s3", kTime).has_value());
  EXPECT_TRUE(Sign(s3_content, kCreds, "us-east-1", "glacier", kTime).has_value());

  Request bad_name = BaseRequest();
  bad_name.headers.push_back({"bad name", "x"});
  EXPECT_FALSE(Sign(bad_name, kCreds, "us-east-1", "glacier", kTime).has_value());

  Request bad_query = BaseRequest();
  bad_query.query = "marker=%zz";
  EXPECT_FALSE(Sign(bad_query, kCreds, "us-east-1", "glacier", kTime).has_value());

  Request no_hash = BaseRequest();
  no_hash.payload_hash.clear();
  EXPECT_FALSE(Sign(no_hash, kCreds, "us-east-1", "glacier", kTime).has_value());
  EXPECT_FALSE(Sign(no_hash, kCreds, "us-east-1", "s3", kTime).has_value());

  Request disagree = BaseRequest();
  disagree.headers.push_back({"x-amz-content-sha256", std::string(64, '0')});
  EXPECT_FALSE(Sign(disagree, kCreds, "us-east-1", "glacier", kTime).has_value());
  disagree.payload_hash.clear();
  EXPECT_TRUE(Sign(disagree, kCreds, "us-east-1", "glacier", kTime).has_value());

  EXPECT_EQ(Sign(BaseRequest(), {"AK", "", ""}, "us-east-1", "glacier", kTime).error().code, ErrorCode::kAuth);
  EXPECT_FALSE(Sign(BaseRequest(), kCreds, "", "glacier", kTime).has_value());
}

TEST(Sign, ErrorsNeverContainTheSecretOrToken) {
  const Credentials creds{"AKIDEXAMPLE", "SECRET-SHOULD-NOT-LEAK", "TOKEN-SHOULD-NOT-LEAK"};
  Request r = BaseRequest();
  r.headers.push_back({"x-amz-date", "x"});
  auto s = Sign(r, creds, "us-east-1", "glacier", kTime);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message.find("LEAK"), std::string::npos);

  Request wire = SignedWire(BaseRequest(), creds);
  wire.path += "x";
  auto v = Verify(wire, [](std::string_view) { return std::string("SECRET-SHOULD-NOT-LEAK"); }, At(kTime));
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().message.find("LEAK"), std::string::npos);
  EXPECT_EQ(v.error().ToError().ToString().find("LEAK"), std::string::npos);
}

TEST(Sign, AddsSecurityTokenAndS3ContentHash) {
  const Credentials creds{"AK", "SK", "TOKEN"};
  auto g = Sign(BaseRequest(), creds, "us-east-1", "glacier", kTime);
  ASSERT_TRUE(g);
  ASSERT_EQ(g->added_headers.size(), 2u);
  EXPECT_EQ(g->added_headers[0].name, "X-Amz-Date");
  EXPECT_EQ(g->added_headers[0].value, "20240101T000000Z");
  EXPECT_EQ(g->added_headers[1].name, "X-Amz-Security-Token");
  EXPECT_EQ(g->parts.signed_headers, "host;x-amz-date;x-amz-glacier-version;x-amz-security-token");

  Request s3 = BaseRequest();
  s3.payload_hash = std::string(kUnsignedPayload);
  auto s = Sign(s3, creds, "us-east-1", "s3", kTime);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->added_headers.size(), 3u);
  EXPECT_EQ(s->added_headers[2].name, "X-Amz-Content-SHA256");
  EXPECT_EQ(s->added_headers[2].value, "UNSIGNED-PAYLOAD");
  EXPECT_TRUE(s->parts.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
}

TEST(Sign, RepeatedHeadersJoinWithCommaInWireOrder) {
  Request r = BaseRequest();
  r.headers.push_back({"X-Amz-Meta-Tag", "  one  "});
  r.headers.push_back({"x-amz-meta-other", "z"});
  r.headers.push_back({"x-amz-meta-tag", "two   words"});
  auto s = Sign(r, kCreds, "us-east-1", "glacier", kTime);
  ASSERT_TRUE(s);
  EXPECT_NE(s->parts.canonical_request.find("\nx-amz-meta-tag:one,two words\n"), std::string::npos);
  EXPECT_EQ(s->parts.signed_headers, "host;x-amz-date;x-amz-glacier-version;x-amz-meta-other;x-amz-meta-tag");

  // The server joins them the same way, wherever they are among the other headers.
  Request wire = SignedWire(r);
  std::rotate(wire.headers.begin(), wire.headers.begin() + 1, wire.headers.end());
  EXPECT_TRUE(Verify(wire, Lookup(), At(kTime)));
  // Swapping the two values changes the joined value.
  Request swapped = SignedWire(r);
  std::swap(swapped.headers[2].value, swapped.headers[4].value);
  auto v = Verify(swapped, Lookup(), At(kTime));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().kind, AuthFailureKind::kSignatureMismatch);
}

TEST(Sign, UnsignableHeadersAreLeftOut) {
  EXPECT_FALSE(IsSignableHeader("user-agent"));
  EXPECT_FALSE(IsSignableHeader("expect"));
  EXPECT_FALSE(IsSignableHeader("connection"));
  EXPECT_FALSE(IsSignableHeader("x-amzn-trace-id"));
  EXPECT_TRUE(IsSignableHeader("content-length"));
  EXPECT_TRUE(IsSignableHeader("range"));
  Request r = BaseRequest();
  r.headers.push_back({"User-Agent", "mtglacier/0.1"});
  r.headers.push_back({"Expect", "100-continue"});
  auto s = Sign(r, kCreds, "us-east-1", "glacier", kTime);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->parts.signed_headers, "host;x-amz-date;x-amz-glacier-version");
}

TEST(Sign, MethodIsUppercasedAndPathNormalisedForGlacier) {
  Request r = BaseRequest();
  r.method = "get";
  r.path = "/-/vaults/./v1//";
  auto s = Sign(r, kCreds, "us-east-1", "glacier", kTime);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->parts.canonical_request.starts_with("GET\n/-/vaults/v1/\n\n"));
}

TEST(Verify, DateHeaderFallback) {
  // A client that sends Date instead of X-Amz-Date: sign by hand with the Date-derived time.
  Request r = BaseRequest();
  r.headers.push_back({"Date", "Mon, 01 Jan 2024 00:00:00 GMT"});
  CanonicalInput in;
  in.method = "GET";
  in.canonical_uri = "/-/vaults/v1";
  in.headers = {{"date", "Mon, 01 Jan 2024 00:00:00 GMT"}, {"host", "127.0.0.1:9000"},
                {"x-amz-glacier-version", "2012-06-01"}};
  in.payload_hash = std::string(kEmptyPayloadSha256);
  in.amz_date = "20240101T000000Z";
  in.date_stamp = "20240101";
  in.region = "us-east-1";
  in.service = "glacier";
  SignatureParts parts = ComputeSignature(in, kCreds.secret_key);
  r.headers.push_back({"Authorization", FormatAuthorization(kCreds.access_key, parts.credential_scope,
                                                            parts.signed_headers, parts.signature)});
  auto v = Verify(r, Lookup(), At(kTime + 60));
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(v->request_time, kTime);

  Request bad = r;
  bad.headers[2].value = "yesterday";
  EXPECT_EQ(Verify(bad, Lookup(), At(kTime)).error().kind, AuthFailureKind::kMalformedDate);
}

TEST(Verify, AuthorizationProblems) {
  Request wire = SignedWire(BaseRequest());
  Request none = wire;
  none.headers.pop_back();
  EXPECT_EQ(Verify(none, Lookup(), At(kTime)).error().kind, AuthFailureKind::kMissingAuth);

  Request twice = wire;
  twice.headers.push_back(wire.headers.back());
  EXPECT_EQ(Verify(twice, Lookup(), At(kTime)).error().kind, AuthFailureKind::kMalformedAuth);

  Request garbage = wire;
  garbage.headers.back().value = "AWS4-HMAC-SHA256 nonsense";
  EXPECT_EQ(Verify(garbage, Lookup(), At(kTime)).error().kind, AuthFailureKind::kMalformedAuth);

  Request bad_date = wire;
  bad_date.headers[2].value = "2024-01-01T00:00:00Z";
  EXPECT_EQ(Verify(bad_date, Lookup(), At(kTime)).error().kind, AuthFailureKind::kMalformedDate);

  Request bad_query = wire;
  bad_query.query = "a=%";
  EXPECT_EQ(Verify(bad_query, Lookup(), At(kTime)).error().kind, AuthFailureKind::kBadRequest);

  EXPECT_EQ(Verify(wire, nullptr, At(kTime)).error().kind, AuthFailureKind::kUnknownAccessKey);
}

TEST(Verify, HostMustBeSigned) {
  CanonicalInput in;
  in.method = "GET";
  in.canonical_uri = "/-/vaults/v1";
  in.headers = {{"x-amz-date", "20240101T000000Z"}};
  in.payload_hash = std::string(kEmptyPayloadSha256);
  in.amz_date = "20240101T000000Z";
  in.date_stamp = "20240101";
  in.region = "us-east-1";
  in.service = "glacier";
  SignatureParts parts = ComputeSignature(in, kCreds.secret_key);
  Request r = BaseRequest();
  r.headers.push_back({"X-Amz-Date", "20240101T000000Z"});
  r.headers.push_back({"Authorization", FormatAuthorization(kCreds.access_key, parts.credential_scope,
                                                            parts.signed_headers, parts.signature)});
  auto v = Verify(r, Lookup(), At(kTime));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().kind, AuthFailureKind::kMalformedAuth);
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST(SigningKey, MatchesAwsDocumentationExample) {
  // The key-derivation example of the AWS SigV4 documentation (iam, 20120215, us-east-1).
  EXPECT_EQ(hash::ToHex(SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

}  // namespace
}  // namespace mtg::sign
