// The client's typed Glacier API against the real mtglacier-server: every operation the backup
// and restore paths use, the integrity checks, error mapping and the retry policy under the
// server's fault injection. Known answers come from ../shared/vectors/treehash.json's generator.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "glacier/client.h"
#include "hash/tree_hash.h"
#include "http/curl_transport.h"
#include "server_process.h"

namespace mtg::glacier {
namespace {

using testing::ServerProcess;

constexpr uint64_t kMiB = 1024 * 1024;

std::vector<uint8_t> Generate(uint64_t size, uint64_t offset = 0) {
  std::vector<uint8_t> data(size);
  for (uint64_t j = 0; j < size; ++j) data[j] = static_cast<uint8_t>((offset + j) % 251);
  return data;
}

class GlacierClientTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> server_args = {}) {
    server_ = std::make_unique<ServerProcess>(std::move(server_args));
    ASSERT_TRUE(server_->ok()) << server_->error();
    client_ = MakeClient(ServerProcess::kSecretKey);
  }
  std::unique_ptr<Client> MakeClient(std::string secret) {
    ClientConfig config;
    auto endpoint = ParseEndpoint(server_->endpoint());
    EXPECT_TRUE(endpoint);
    config.endpoint = *endpoint;
    config.region = "us-east-1";
    config.credentials = {ServerProcess::kAccessKey, std::move(secret), ""};
    config.retry.initial_delay_ms = 5;
    config.retry.max_delay_ms = 50;
    config.retry.max_attempts = 30;
    return std::make_unique<Client>(config, transport_, SystemClock::Instance());
  }
  std::string Download(const std::string& vault, const std::string& job, std::optional<ByteRange> range,
                       JobOutputInfo* info) {
    std::string out;
    std::function<http::BodySink()> make_sink = [&out]() -> http::BodySink {
      out.clear();
      return [&out](std::span<const uint8_t> chunk) -> Result<void> {
        out.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
        return Ok();
      };
    };
    auto r = client_->GetJobOutput(vault, job, range, make_sink);
    EXPECT_TRUE(r) << (r ? "" : r.error().ToString());
    if (r && info != nullptr) *info = *r;
    return out;
  }
  // Uploads data as a multipart upload with the given part size; returns the archive id.
  std::string UploadMultipart(const std::string& vault, const std::vector<uint8_t>& data, uint64_t part_size) {
    auto upload = client_->InitiateMultipartUpload(vault, "mt2 test", part_size);
    EXPECT_TRUE(upload) << upload.error().ToString();
    std::vector<hash::Digest> part_trees;
    for (uint64_t off = 0; off < data.size(); off += part_size) {
      uint64_t n = std::min<uint64_t>(part_size, data.size() - off);
      std::span<const uint8_t> part(data.data() + off, n);
      hash::DualHash h = hash::Sha256AndTreeHash(part);
      part_trees.push_back(h.tree);
      http::MemoryBody body(part);
      auto r = client_->UploadPart(vault, *upload, off, body, h);
      EXPECT_TRUE(r) << r.error().ToString();
    }
    std::string tree = hash::ToHex(hash::CombineTreeHashes(part_trees));
    auto done = client_->CompleteMultipartUpload(vault, *upload, data.size(), tree);
    EXPECT_TRUE(done) << done.error().ToString();
    EXPECT_EQ(done->tree_hash, tree);
    return done->archive_id;
  }

  std::unique_ptr<ServerProcess> server_;
  http::CurlTransport transport_;
  std::unique_ptr<Client> client_;
};

TEST_F(GlacierClientTest, VaultLifecycleAndPaging) {
  Start();
  for (const char* v : {"alpha", "beta", "gamma"}) ASSERT_TRUE(client_->CreateVault(v)) << v;
  auto described = client_->DescribeVault("beta");
  ASSERT_TRUE(described) << described.error().ToString();
  EXPECT_EQ(described->name, "beta");
  EXPECT_NE(described->arn.find("vaults/beta"), std::string::npos);

  std::vector<std::string> names;
  std::string marker;
  int pages = 0;
  do {
    auto page = client_->ListVaults(marker, 2);
    ASSERT_TRUE(page) << page.error().ToString();
    for (const VaultInfo& v : page->vaults) names.push_back(v.name);
    marker = page->marker;
    ++pages;
  } while (!marker.empty() && pages < 10);
  EXPECT_EQ(names, (std::vector<std::string>{"alpha", "beta", "gamma"}));
  EXPECT_EQ(pages, 2);

  ASSERT_TRUE(client_->DeleteVault("gamma"));
  auto missing = client_->DescribeVault("gamma");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_EQ(missing.error().aws_code, "ResourceNotFoundException");
  EXPECT_FALSE(missing.error().request_id.empty());
}

TEST_F(GlacierClientTest, MultipartUploadThenWholeAndRangedRetrieval) {
  Start();
  ASSERT_TRUE(client_->CreateVault("v"));
  const auto data = Generate(5 * kMiB + 17);
  std::string archive_id = UploadMultipart("v", data, kMiB);
  ASSERT_EQ(archive_id.size(), 138u);

  // The parts the service holds are listable until completion; after it, the upload is gone.
  auto uploads = client_->ListMultipartUploads("v");
  ASSERT_TRUE(uploads);
  EXPECT_TRUE(uploads->uploads.empty());

  auto job = client_->InitiateArchiveRetrieval("v", {.archive_id = archive_id, .tier = "Bulk"});
  ASSERT_TRUE(job) << job.error().ToString();
  auto described = client_->DescribeJob("v", *job);
  ASSERT_TRUE(described) << described.error().ToString();
  EXPECT_EQ(described->archive_id, archive_id);
  EXPECT_EQ(described->archive_size, data.size());
  EXPECT_EQ(described->archive_tree_hash, hash::ToHex(hash::TreeHashOf(data)));

  JobOutputInfo info;
  std::string whole = Download("v", *job, std::nullopt, &info);
  ASSERT_EQ(whole.size(), data.size());
  EXPECT_TRUE(std::equal(data.begin(), data.end(), reinterpret_cast<const uint8_t*>(whole.data())));
  EXPECT_EQ(info.status, 200);
  EXPECT_EQ(info.tree_hash, hash::ToHex(hash::TreeHashOf(data)));

  // A tree-hash-aligned range (the second and third MiB) comes back with its own tree hash.
  std::string ranged = Download("v", *job, ByteRange{2 * kMiB, 4 * kMiB - 1}, &info);
  EXPECT_EQ(info.status, 206);
  ASSERT_EQ(ranged.size(), 2 * kMiB);
  std::span<const uint8_t> expected(data.data() + 2 * kMiB, 2 * kMiB);
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), reinterpret_cast<const uint8_t*>(ranged.data())));
  EXPECT_EQ(info.tree_hash, hash::ToHex(hash::TreeHashOf(expected)));
}

TEST_F(GlacierClientTest, SingleUploadListPartsAbortAndInventory) {
  Start();
  ASSERT_TRUE(client_->CreateVault("v"));
  const auto small = Generate(1023);
  http::MemoryBody body(small);
  auto created = client_->UploadArchive("v", "mt2 small", body, hash::Sha256AndTreeHash(small));
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(created->tree_hash, hash::ToHex(hash::TreeHashOf(small)));

  // An upload left half done is listed with its parts, then aborted.
  auto upload = client_->InitiateMultipartUpload("v", "mt2 half", kMiB);
  ASSERT_TRUE(upload);
  const auto part = Generate(kMiB);
  http::MemoryBody part_body(part);
  ASSERT_TRUE(client_->UploadPart("v", *upload, 0, part_body, hash::Sha256AndTreeHash(part)));
  auto parts = client_->ListParts("v", *upload);
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->parts.size(), 1u);
  EXPECT_EQ(parts->parts[0].range.first, 0u);
  EXPECT_EQ(parts->parts[0].range.last, kMiB - 1);
  EXPECT_EQ(parts->parts[0].tree_hash, hash::ToHex(hash::TreeHashOf(part)));
  EXPECT_EQ(parts->part_size, kMiB);
  ASSERT_TRUE(client_->AbortMultipartUpload("v", *upload));
  EXPECT_FALSE(client_->ListParts("v", *upload));

  auto job = client_->InitiateInventoryRetrieval("v", {.format = "JSON", .description = "mtijob1 x"});
  ASSERT_TRUE(job) << job.error().ToString();
  auto listed = client_->ListJobs("v", {.completed = true});
  ASSERT_TRUE(listed) << listed.error().ToString();
  ASSERT_EQ(listed->jobs.size(), 1u);
  EXPECT_EQ(listed->jobs[0].action, "InventoryRetrieval");
  EXPECT_EQ(listed->jobs[0].status_code, "Succeeded");
  std::string inventory = Download("v", *job, std::nullopt, nullptr);
  EXPECT_NE(inventory.find(created->archive_id), std::string::npos);
  EXPECT_NE(inventory.find("\"mt2 small\""), std::string::npos);
}

TEST_F(GlacierClientTest, IntegrityAndAuthErrorsAreFinal) {
  Start();
  ASSERT_TRUE(client_->CreateVault("v"));
  const auto data = Generate(3000);
  hash::DualHash wrong = hash::Sha256AndTreeHash(data);
  wrong.tree[0] ^= 1;
  http::MemoryBody body(data);
  auto bad_tree = client_->UploadArchive("v", "", body, wrong);
  ASSERT_FALSE(bad_tree);
  EXPECT_EQ(bad_tree.error().http_status, 400);
  EXPECT_EQ(bad_tree.error().aws_code, "InvalidParameterValueException");
  uint64_t before = client_->requests_sent();

  auto intruder = MakeClient("wrong-secret-key-wrong-secret-key-000000");
  auto refused = intruder->CreateVault("x");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kAuth);
  EXPECT_EQ(refused.error().http_status, 403);
  EXPECT_EQ(intruder->requests_sent(), 1u);  // not retried
  EXPECT_EQ(client_->requests_sent(), before);
}

TEST_F(GlacierClientTest, RetriesThroughInjectedFaults) {
  Start({"--faults", "upload-part:0.4:500,upload-part:0.2:throttle,complete-multipart-upload:0.5:503,"
                     "initiate-job:0.5:408,get-job-output:0.3:reset",
         "--fault-seed", "7"});
  ASSERT_TRUE(client_->CreateVault("v"));
  const auto data = Generate(6 * kMiB + 5);
  std::string archive_id = UploadMultipart("v", data, kMiB);
  EXPECT_GT(client_->requests_sent(), 9u);  // 1 create + 1 initiate + 7 parts + 1 complete, plus retries

  auto job = client_->InitiateArchiveRetrieval("v", {.archive_id = archive_id});
  ASSERT_TRUE(job) << job.error().ToString();
  for (int i = 0; i < 3; ++i) {
    JobOutputInfo info;
    std::string whole = Download("v", *job, std::nullopt, &info);
    ASSERT_EQ(whole.size(), data.size());
    EXPECT_TRUE(std::equal(data.begin(), data.end(), reinterpret_cast<const uint8_t*>(whole.data())));
  }
}

}  // namespace
}  // namespace mtg::glacier
