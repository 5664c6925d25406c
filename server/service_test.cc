// The request pipeline and every operation of this module, driven in-process (no sockets):
// requests are signed with the real signer and handed to Service::Handle.
#include "service.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/clock.h"
#include "server.h"
#include "test_support.h"

namespace mtg::server {
namespace {

using nlohmann::json;
using testing::Signed;
using testing::WireRequest;

constexpr int64_t kNow = 1764194396;  // 2025-11-26T21:59:56Z
constexpr uint64_t kMiB = 1 << 20;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.store_dir = dir_.path() + "/store";
    options_.credentials = {{testing::kAccessKey, testing::kSecretKey}, {"AKIDOTHER", "other-secret-key"}};
    options_.id_seed = 42;
    auto server = GlacierServer::Create(options_, clock_);
    ASSERT_TRUE(server.has_value()) << server.error().message;
    server_ = std::move(*server);
  }

  Response Call(WireRequest wire, const std::string& ak = testing::kAccessKey,
                const std::string& sk = testing::kSecretKey, int64_t when = 0) {
    WireRequest s = Signed(std::move(wire), "127.0.0.1:18080", when ? when : clock_.NowUnix(), ak, sk);
    return CallRaw(s);
  }
  Response CallRaw(const WireRequest& wire) {
    Request r = testing::ToServerRequest(wire);
    Response res;
    server_->service().Handle(r, res);
    return res;
  }
  static json Json(const Response& res) { return json::parse(res.body); }
  static std::string Code(const Response& res) {
    auto j = json::parse(res.body, nullptr, false);
    return j.is_object() && j.contains("code") ? j["code"].get<std::string>() : "";
  }

  Response CreateVault(const std::string& name) { return Call({"PUT", "/-/vaults/" + name, {}, "", false}); }
  Response Upload(const std::string& vault, const std::string& data, const std::string& description = "d",
                  std::string tree = "") {
    if (tree.empty()) tree = testing::TreeHashHex(data);
    return Call({"POST", "/-/vaults/" + vault + "/archives",
                 {{"x-amz-archive-description", description}, {"x-amz-sha256-tree-hash", tree}}, data, true});
  }
  size_t FilesUnder(const std::string& sub) {
    size_t n = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(options_.store_dir + "/" + sub)) {
      if (e.is_regular_file()) ++n;
    }
    return n;
  }
  std::string ReadBlob(const std::string& archive_id) {
    std::ifstream in(server_->context().blobs.ArchivePath(archive_id), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  testing::TempDir dir_;
  ManualClock clock_{kNow};
  ServerOptions options_;
  std::unique_ptr<GlacierServer> server_;
};

TEST_F(ServiceTest, VaultLifecycleAndCommonHeaders) {
  Response created = CreateVault("v1");
  EXPECT_EQ(created.status, 201);
  std::string account = Authenticator::AccountIdFor(testing::kAccessKey);
  ASSERT_NE(created.Header("location"), nullptr);
  EXPECT_EQ(*created.Header("location"), "/" + account + "/vaults/v1");
  ASSERT_NE(created.Header("x-amzn-requestid"), nullptr);
  EXPECT_EQ(created.Header("x-amzn-requestid")->size(), 52u);
  ASSERT_NE(created.Header("date"), nullptr);
  EXPECT_EQ(*created.Header("date"), "Wed, 26 Nov 2025 21:59:56 GMT");
  EXPECT_EQ(CreateVault("v1").status, 201);  // idempotent

  Response described = Call({"GET", "/-/vaults/v1", {}, "", false});
  ASSERT_EQ(described.status, 200);
  json d = Json(described);
  EXPECT_EQ(d["VaultName"], "v1");
  EXPECT_EQ(d["VaultARN"], "arn:aws:glacier:us-east-1:" + account + ":vaults/v1");
  EXPECT_EQ(d["CreationDate"], "2025-11-26T21:59:56.000Z");
  EXPECT_TRUE(d["LastInventoryDate"].is_null());
  EXPECT_EQ(d["NumberOfArchives"], 0);
  EXPECT_EQ(d["SizeInBytes"], 0);

  // The numeric account id in the path works like "-".
  EXPECT_EQ(Call({"GET", "/" + account + "/vaults/v1", {}, "", false}).status, 200);
  Response other = Call({"GET", "/123456789012/vaults/v1", {}, "", false});
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(Code(other), "AccessDeniedException");

  Response deleted = Call({"DELETE", "/-/vaults/v1", {}, "", false});
  EXPECT_EQ(deleted.status, 204);
  Response missing = Call({"GET", "/-/vaults/v1", {}, "", false});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Code(missing), "ResourceNotFoundException");
  ASSERT_NE(missing.Header("x-amzn-requestid"), nullptr);
  EXPECT_EQ(Json(missing)["type"], "Client");
}

TEST_F(ServiceTest, InvalidVaultNameRejected) {
  EXPECT_EQ(Code(CreateVault("bad%20name")), "InvalidParameterValueException");
  EXPECT_EQ(Code(CreateVault(std::string(256, 'a'))), "InvalidParameterValueException");
}

TEST_F(ServiceTest, ListVaultsPaginates) {
  for (const char* n : {"e", "a", "c", "b", "d"}) ASSERT_EQ(CreateVault(n).status, 201);
  std::vector<std::string> seen;
  std::string marker;
  int pages = 0;
  while (true) {
    std::string target = "/-/vaults?limit=2";
    if (!marker.empty()) target += "&marker=" + marker;
    Response r = Call({"GET", target, {}, "", false});
    ASSERT_EQ(r.status, 200) << r.body;
    json j = Json(r);
    for (const auto& v : j["VaultList"]) seen.push_back(v["VaultName"]);
    ++pages;
    if (j["Marker"].is_null()) break;
    std::string m = j["Marker"];
    marker.clear();
    for (char c : m) marker += (c == ':' ? std::string("%3A") : c == '/' ? std::string("%2F") : std::string(1, c));
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(Code(Call({"GET", "/-/vaults?limit=0", {}, "", false})), "InvalidParameterValueException");
}

TEST_F(ServiceTest, UploadArchiveStoresVerifiedBytes) {
  ASSERT_EQ(CreateVault("v").status, 201);
  std::string data(5 * kMiB + 17, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 1000);
  Response r = Upload("v", data, "my backup");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string* id = r.Header("x-amz-archive-id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->size(), 138u);
  EXPECT_TRUE(IsWellFormedId(*id));
  EXPECT_EQ(*r.Header("x-amz-sha256-tree-hash"), testing::TreeHashHex(data));
  EXPECT_NE(r.Header("location")->find("/vaults/v/archives/" + *id), std::string::npos);
  EXPECT_EQ(ReadBlob(*id), data);
  json d = Json(Call({"GET", "/-/vaults/v", {}, "", false}));
  EXPECT_EQ(d["NumberOfArchives"], 1);
  EXPECT_EQ(d["SizeInBytes"], data.size());
  EXPECT_EQ(FilesUnder("tmp"), 0u);

  // Not empty: the vault cannot go.
  Response refused = Call({"DELETE", "/-/vaults/v", {}, "", false});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(Code(refused), "InvalidParameterValueException");
  EXPECT_EQ(Call({"DELETE", "/-/vaults/v/archives/" + *id, {}, "", false}).status, 204);
  EXPECT_EQ(FilesUnder("blobs"), 0u);
  EXPECT_EQ(Code(Call({"DELETE", "/-/vaults/v/archives/" + *id, {}, "", false})), "ResourceNotFoundException");
  EXPECT_EQ(Call({"DELETE", "/-/vaults/v", {}, "", false}).status, 204);
}

TEST_F(ServiceTest, WrongTreeHashRejectedAndNothingKept) {
  ASSERT_EQ(CreateVault("v").status, 201);
  Response r = Upload("v", "hello", "d", std::string(64, '0'));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Code(r), "InvalidParameterValueException");
  EXPECT_EQ(FilesUnder("blobs"), 0u);
  EXPECT_EQ(FilesUnder("tmp"), 0u);
}

TEST_F(ServiceTest, BodyNotMatchingContentSha256Rejected) {
  ASSERT_EQ(CreateVault("v").status, 201);
  std::string body = "the real body";
  WireRequest w{"POST", "/-/vaults/v/archives",
                {{"x-amz-sha256-tree-hash", testing::TreeHashHex(body)},
                 {"x-amz-content-sha256", testing::Sha256HexOf("a different body")}},
                body, false};
  Response r = Call(w);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Code(r), "InvalidParameterValueException");
  EXPECT_NE(r.body.find("x-amz-content-sha256"), std::string::npos);
  EXPECT_EQ(FilesUnder("blobs"), 0u);
}

TEST_F(ServiceTest, DescriptionRules) {
  ASSERT_EQ(CreateVault("v").status, 201);
  EXPECT_EQ(Upload("v", "x", std::string(1024, 'a')).status, 201);
  EXPECT_EQ(Code(Upload("v", "x", std::string(1025, 'a'))), "InvalidParameterValueException");
  EXPECT_EQ(Code(Upload("v", "x", "tab\there")), "InvalidParameterValueException");
  EXPECT_EQ(Code(Upload("v", "")), "InvalidParameterValueException");  // zero bytes
}

TEST_F(ServiceTest, AuthenticationFailures) {
  Response none = CallRaw({"GET", "/-/vaults", {{"Host", "h"}, {"x-amz-glacier-version", "2012-06-01"}}, "", false});
  EXPECT_EQ(none.status, 403);
  EXPECT_EQ(Code(none), "MissingAuthenticationTokenException");
  ASSERT_NE(none.Header("x-amzn-requestid"), nullptr);

  Response unknown = Call({"GET", "/-/vaults", {}, "", false}, "AKIDUNKNOWN", "whatever-secret");
  EXPECT_EQ(unknown.status, 403);
  EXPECT_EQ(Code(unknown), "UnrecognizedClientException");

  Response bad = Call({"GET", "/-/vaults", {}, "", false}, testing::kAccessKey, "wrong-secret-key");
  EXPECT_EQ(bad.status, 403);
  EXPECT_EQ(Code(bad), "InvalidSignatureException");

  Response skewed = Call({"GET", "/-/vaults", {}, "", false}, testing::kAccessKey, testing::kSecretKey,
                         kNow - 16 * 60);
  EXPECT_EQ(skewed.status, 403);
  EXPECT_EQ(Code(skewed), "InvalidSignatureException");
  EXPECT_NE(skewed.body.find("Signature expired"), std::string::npos);
  EXPECT_EQ(Call({"GET", "/-/vaults", {}, "", false}, testing::kAccessKey, testing::kSecretKey, kNow - 14 * 60).status,
            200);

  // A tampered signed header breaks the signature.
  WireRequest w = Signed({"PUT", "/-/vaults/v", {}, "", false}, "127.0.0.1:18080", kNow);
  w.target = "/-/vaults/other";
  EXPECT_EQ(Code(CallRaw(w)), "InvalidSignatureException");
}

TEST_F(ServiceTest, AccountsAreIsolated) {
  ASSERT_EQ(CreateVault("mine").status, 201);
  Response theirs = Call({"GET", "/-/vaults/mine", {}, "", false}, "AKIDOTHER", "other-secret-key");
  EXPECT_EQ(theirs.status, 404);
  json list = Json(Call({"GET", "/-/vaults", {}, "", false}, "AKIDOTHER", "other-secret-key"));
  EXPECT_TRUE(list["VaultList"].empty());
}

TEST_F(ServiceTest, MultipartUploadFlow) {
  ASSERT_EQ(CreateVault("v").status, 201);
  EXPECT_EQ(Code(Call({"POST", "/-/vaults/v/multipart-uploads", {{"x-amz-part-size", "3145728"}}, "", false})),
            "InvalidParameterValueException");
  Response init = Call({"POST", "/-/vaults/v/multipart-uploads",
                        {{"x-amz-part-size", "1048576"}, {"x-amz-archive-description", "mp"}}, "", false});
  ASSERT_EQ(init.status, 201) << init.body;
  std::string upload = *init.Header("x-amz-multipart-upload-id");
  EXPECT_EQ(upload.size(), 92u);
  EXPECT_NE(init.Header("location")->find("/multipart-uploads/" + upload), std::string::npos);

  std::string data(2 * kMiB + kMiB / 2, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 31) >> 3);
  std::string base = "/-/vaults/v/multipart-uploads/" + upload;
  auto put = [&](uint64_t start, uint64_t size, std::string tree = "") {
    std::string part = data.substr(start, size);
    if (tree.empty()) tree = testing::TreeHashHex(part);
    std::string range = "bytes " + std::to_string(start) + "-" + std::to_string(start + size - 1) + "/*";
    return Call({"PUT", base, {{"Content-Range", range}, {"x-amz-sha256-tree-hash", tree}}, part, true});
  };
  // Upload out of order; a misaligned range and a bad hash are refused.
  EXPECT_EQ(put(2 * kMiB, kMiB / 2).status, 204);
  EXPECT_EQ(Code(put(kMiB / 2, kMiB)), "InvalidParameterValueException");
  EXPECT_EQ(Code(put(0, kMiB, std::string(64, 'a'))), "InvalidParameterValueException");
  Response p0 = put(0, kMiB);
  EXPECT_EQ(p0.status, 204);
  EXPECT_EQ(*p0.Header("x-amz-sha256-tree-hash"), testing::TreeHashHex(data.substr(0, kMiB)));

  // Incomplete: complete fails.
  std::string whole = testing::TreeHashHex(data);
  auto complete = [&](uint64_t size, const std::string& tree) {
    return Call({"POST", base, {{"x-amz-archive-size", std::to_string(size)}, {"x-amz-sha256-tree-hash", tree}}, "", false});
  };
  EXPECT_EQ(Code(complete(data.size(), whole)), "InvalidParameterValueException");
  EXPECT_EQ(put(kMiB, kMiB).status, 204);

  json parts = Json(Call({"GET", base + "?limit=2", {}, "", false}));
  ASSERT_EQ(parts["Parts"].size(), 2u);
  EXPECT_EQ(parts["Parts"][0]["RangeInBytes"], "0-1048575");
  EXPECT_EQ(parts["PartSizeInBytes"], kMiB);
  EXPECT_EQ(parts["ArchiveDescription"], "mp");
  ASSERT_TRUE(parts["Marker"].is_string());
  json rest = Json(Call({"GET", base + "?marker=" + parts["Marker"].get<std::string>(), {}, "", false}));
  ASSERT_EQ(rest["Parts"].size(), 1u);
  EXPECT_EQ(rest["Parts"][0]["RangeInBytes"], "2097152-2621439");
  EXPECT_TRUE(rest["Marker"].is_null());

  json uploads = Json(Call({"GET", "/-/vaults/v/multipart-uploads", {}, "", false}));
  ASSERT_EQ(uploads["UploadsList"].size(), 1u);
  EXPECT_EQ(uploads["UploadsList"][0]["MultipartUploadId"], upload);

  EXPECT_EQ(Code(complete(data.size() + 1, whole)), "InvalidParameterValueException");
  EXPECT_EQ(Code(complete(data.size(), std::string(64, '0'))), "InvalidParameterValueException");
  Response done = complete(data.size(), whole);
  ASSERT_EQ(done.status, 201) << done.body;
  std::string archive = *done.Header("x-amz-archive-id");
  EXPECT_EQ(ReadBlob(archive), data);
  // Complete again: same archive.
  Response again = complete(data.size(), whole);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(*again.Header("x-amz-archive-id"), archive);
  EXPECT_TRUE(Json(Call({"GET", "/-/vaults/v/multipart-uploads", {}, "", false}))["UploadsList"].empty());
  EXPECT_EQ(Code(Call({"GET", base, {}, "", false})), "ResourceNotFoundException");
  EXPECT_EQ(FilesUnder("uploads"), 0u);
}

TEST_F(ServiceTest, AbortRemovesUpload) {
  ASSERT_EQ(CreateVault("v").status, 201);
  Response init = Call({"POST", "/-/vaults/v/multipart-uploads", {{"x-amz-part-size", "1048576"}}, "", false});
  std::string base = "/-/vaults/v/multipart-uploads/" + *init.Header("x-amz-multipart-upload-id");
  EXPECT_EQ(FilesUnder("uploads"), 1u);
  EXPECT_EQ(Call({"DELETE", base, {}, "", false}).status, 204);
  EXPECT_EQ(FilesUnder("uploads"), 0u);
  EXPECT_EQ(Code(Call({"DELETE", base, {}, "", false})), "ResourceNotFoundException");
}

TEST_F(ServiceTest, NotificationConfiguration) {
  ASSERT_EQ(CreateVault("v").status, 201);
  std::string path = "/-/vaults/v/notification-configuration";
  EXPECT_EQ(Code(Call({"GET", path, {}, "", false})), "ResourceNotFoundException");
  std::string config = R"({"SNSTopic":"arn:aws:sns:us-east-1:012345678901:t","Events":["ArchiveRetrievalCompleted"]})";
  EXPECT_EQ(Call({"PUT", path, {{"Content-Type", "application/json"}}, config, false}).status, 204);
  json got = Json(Call({"GET", path, {}, "", false}));
  EXPECT_EQ(got["SNSTopic"], "arn:aws:sns:us-east-1:012345678901:t");
  EXPECT_EQ(got["Events"][0], "ArchiveRetrievalCompleted");
  EXPECT_EQ(Code(Call({"PUT", path, {}, R"({"SNSTopic":"x","Events":["Nope"]})", false})),
            "InvalidParameterValueException");
  EXPECT_EQ(Call({"DELETE", path, {}, "", false}).status, 204);
  EXPECT_EQ(Code(Call({"GET", path, {}, "", false})), "ResourceNotFoundException");
}

TEST_F(ServiceTest, UnknownRoutesAndMethods) {
  EXPECT_EQ(Call({"GET", "/-/nothing", {}, "", false}).status, 404);
  EXPECT_EQ(Call({"POST", "/-/vaults", {}, "", false}).status, 405);
}

}  // namespace
}  // namespace mtg::server
