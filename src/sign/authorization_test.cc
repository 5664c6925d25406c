// Authorization header parsing: the forms real clients send, and the malformed ones a server
// must turn into a clean error.
#include <gtest/gtest.h>

#include <string>

#include "sign/verify.h"

namespace mtg::sign {
namespace {

const std::string kSig = "3ce5b2f2fffac9262b4da9256f8d086b4aaf42eba5f111c21681a65a127b7c2a";
const std::string kCred = "Credential=AKIAIOSFODNN7EXAMPLE/20120525/us-east-1/glacier/aws4_request";
const std::string kSigned = "SignedHeaders=host;x-amz-date;x-amz-glacier-version";

void ExpectMalformed(const std::string& value) {
  auto r = ParseAuthorization(value);
  ASSERT_FALSE(r.has_value()) << value;
  EXPECT_EQ(r.error().kind, AuthFailureKind::kMalformedAuth) << value;
  EXPECT_FALSE(r.error().message.empty());
}

TEST(ParseAuthorization, BotocoreForm) {
  auto r = ParseAuthorization("AWS4-HMAC-SHA256 " + kCred + ", " + kSigned + ", Signature=" + kSig);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->access_key, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(r->date_stamp, "20120525");
  EXPECT_EQ(r->region, "us-east-1");
  EXPECT_EQ(r->service, "glacier");
  EXPECT_EQ(r->signed_headers,
            (std::vector<std::string>{"host", "x-amz-date", "x-amz-glacier-version"}));
  EXPECT_EQ(r->signed_headers_text, "host;x-amz-date;x-amz-glacier-version");
  EXPECT_EQ(r->signature, kSig);
  EXPECT_EQ(r->CredentialScope(), "20120525/us-east-1/glacier/aws4_request");
}

TEST(ParseAuthorization, NoSpacesAnyOrderExtraWhitespace) {
  // boto2 sends no spaces after the commas.
  EXPECT_TRUE(ParseAuthorization("AWS4-HMAC-SHA256 " + kCred + "," + kSigned + ",Signature=" + kSig));
  EXPECT_TRUE(ParseAuthorization("AWS4-HMAC-SHA256 Signature=" + kSig + ", " + kSigned + ", " + kCred));
  EXPECT_TRUE(ParseAuthorization("AWS4-HMAC-SHA256 " + kSigned + ",Signature=" + kSig + " , " + kCred));
  EXPECT_TRUE(ParseAuthorization("  AWS4-HMAC-SHA256   " + kCred + " ,\t" + kSigned +
                                 ",  Signature=" + kSig + "  "));
  auto single = ParseAuthorization("AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders=host, Signature=" + kSig);
  ASSERT_TRUE(single);
  EXPECT_EQ(single->signed_headers, std::vector<std::string>{"host"});
}

TEST(ParseAuthorization, MissingParts) {
  ExpectMalformed("AWS4-HMAC-SHA256 " + kSigned + ", Signature=" + kSig);
  ExpectMalformed("AWS4-HMAC-SHA256 " + kCred + ", Signature=" + kSig);
  ExpectMalformed("AWS4-HMAC-SHA256 " + kCred + ", " + kSigned);
  ExpectMalformed("AWS4-HMAC-SHA256 " + kCred + ", " + kSigned + ", ");
  ExpectMalformed("AWS4-HMAC-SHA256 " + kCred + ", " + kSigned + ", Signature=");
  ExpectMalformed("AWS4-HMAC-SHA256 ");
  ExpectMalformed("AWS4-HMAC-SHA256");
  ExpectMalformed("");
}

TEST(ParseAuthorization, WrongAlgorithmOrGarbage) {
  ExpectMalformed("AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=");
  ExpectMalformed("AWS4-HMAC-SHA512 " + kCred + ", " + kSigned + ", Signature=" + kSig);
  ExpectMalformed("aws4-hmac-sha256 " + kCred + ", " + kSigned + ", Signature=" + kSig);
  ExpectMalformed("AWS4-HMAC-SHA256," + kCred + ", " + kSigned + ", Signature=" + kSig);
  ExpectMalformed("Bearer abc");
  ExpectMalformed(std::string("AWS4-HMAC-SHA256 \0\xff", 19));
  ExpectMalformed("AWS4-HMAC-SHA256 ,,,");
  ExpectMalformed("AWS4-HMAC-SHA256 ===");
}

TEST(ParseAuthorization, DuplicateOrUnknownParts) {
  ExpectMalformed("AWS4-HMAC-SHA256 " + kCred + ", " + kCred + ", " + kSigned + ", Signature=" + kSig);
  ExpectMalformed("AWS4-HMAC-SHA256 " + kCred + ", " + kSigned + ", " + kSigned + ", Signature=" + kSig);
  ExpectMalformed("AWS4-HMAC-SHA256 " + kCred + ", " + kSigned + ", Signature=" + kSig + ", Signature=" + kSig);
  ExpectMalformed("AWS4-HMAC-SHA256 " + kCred + ", " + kSigned + ", Signature=" + kSig + ", Extra=1");
  ExpectMalformed("AWS4-HMAC-SHA256 credential=AK/20120525/us-east-1/glacier/aws4_request, " + kSigned +
                  ", Signature=" + kSig);
}

TEST(ParseAuthorization, BadCredential) {
  auto with = [&](const std::string& cred) {
    return "AWS4-HMAC-SHA256 Credential=" + cred + ", " + kSigned + ", Signature=" + kSig;
  };
  ExpectMalformed(with("AK/20120525/us-east-1/glacier"));
  ExpectMalformed(with("AK/20120525/us-east-1/glacier/aws4_request/x"));
  ExpectMalformed(with("AK/20120525/us-east-1/glacier/aws4_requesT"));
  ExpectMalformed(with("/20120525/us-east-1/glacier/aws4_request"));
  ExpectMalformed(with("AK/2012052/us-east-1/glacier/aws4_request"));
  ExpectMalformed(with("AK/20121325/us-east-1/glacier/aws4_request"));
  ExpectMalformed(with("AK/20120525T002453Z/us-east-1/glacier/aws4_request"));
  ExpectMalformed(with("AK/20120525//glacier/aws4_request"));
  ExpectMalformed(with("AK/20120525/us-east-1//aws4_request"));
  ExpectMalformed(with("A K/20120525/us-east-1/glacier/aws4_request"));
  ExpectMalformed(with(""));
  EXPECT_TRUE(ParseAuthorization(with("AK/20240229/eu-west-1/s3/aws4_request")));
}

TEST(ParseAuthorization, BadSignedHeadersOrSignature) {
  auto with = [&](const std::string& sh, const std::string& sig) {
    return "AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders=" + sh + ", Signature=" + sig;
  };
  ExpectMalformed(with("", kSig));
  ExpectMalformed(with("host;", kSig));
  ExpectMalformed(with(";host", kSig));
  ExpectMalformed(with("host;;x-amz-date", kSig));
  ExpectMalformed(with("Host;x-amz-date", kSig));
  ExpectMalformed(with("host;host", kSig));
  ExpectMalformed(with("host;x amz", kSig));
  ExpectMalformed(with("host", kSig.substr(1)));
  ExpectMalformed(with("host", kSig + "0"));
  ExpectMalformed(with("host", "ABCE" + kSig.substr(4)));
  ExpectMalformed(with("host", "g" + kSig.substr(1)));
}

TEST(AuthFailure, NamesAndError) {
  EXPECT_EQ(AuthFailureName(AuthFailureKind::kTimeSkewed), "TimeSkewed");
  EXPECT_EQ(AuthFailureName(AuthFailureKind::kSignatureMismatch), "SignatureMismatch");
  AuthFailure f{AuthFailureKind::kMissingAuth, "no Authorization header", {}, {}};
  Error e = f.ToError();
  EXPECT_EQ(e.code, ErrorCode::kAuth);
  EXPECT_EQ(e.message, "MissingAuth: no Authorization header");
}

}  // namespace
}  // namespace mtg::sign
