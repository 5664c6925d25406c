// The jobs routes in-process: a real store (catalogue + blob files) in a temp directory, a
// ManualClock, and hand-built requests through the Router, so due times and expiry are exact.
#include "jobs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "blob_store.h"
#include "hash/tree_hash.h"

namespace mtg::server {
namespace {

using nlohmann::json;

constexpr char kAccount[] = "012345678901";

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

class JobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jobs_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    blobs_ = std::move(BlobStore::Open(dir_).value());
    catalog_ = std::move(Catalog::Open(blobs_->CatalogPath()).value());
    options_.job_delay_ms = 0;
    context_ = std::make_unique<ServiceContext>(
        ServiceContext{options_, *catalog_, *blobs_, clock_, ids_});
    vault_ = catalog_->CreateVault(kAccount, "v1", "us-east-1", context_->NowMs()).value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Register(JobOptions options) { RegisterJobRoutes(router_, *context_, options); }

  // Stores an archive of the given bytes created now.
  std::string AddArchive(const std::string& bytes, const std::string& description) {
    std::string tmp;
    int fd = blobs_->CreateTemp(&tmp).value();
    EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
    ArchiveRecord a;
    a.id = ids_.ArchiveId();
    a.vault_id = vault_.id;
    a.description = description;
    a.size = bytes.size();
    a.tree_hash = hash::ToHex(hash::TreeHashOf(hash::AsBytes(bytes)));
    a.created_ms = context_->NowMs();
    EXPECT_TRUE(blobs_->Promote(tmp, a.id).has_value());
    EXPECT_TRUE(catalog_->InsertArchive(a).has_value());
    return a.id;
  }

  Reply Call(const std::string& method, const std::string& target, const std::string& body = "",
             std::vector<HttpHeader> headers = {}) {
    Request req;
    req.method = method;
    req.target = target;
    EXPECT_TRUE(SplitTarget(req));
    req.headers = std::move(headers);
    req.account_id = kAccount;
    req.region = "us-east-1";
    req.SetBodySource([body](const BodySink& sink) { return body.empty() || sink(body.data(), body.size()); });
    Reply reply;
    auto match = router_.Find(method, req.raw_path);
    if (match.kind != Router::MatchKind::kFound) {
      reply.status = -1;
      return reply;
    }
    req.params = match.params;
    req.operation = match.operation;
    Response res;
    (*match.handler)(req, res);
    reply.status = res.status;
    for (const auto& h : res.headers) reply.headers[h.name] = h.value;
    if (res.file) {
      reply.body.resize(res.file->length);
      ssize_t n = ::pread(res.file->fd, reply.body.data(), res.file->length,
                          static_cast<off_t>(res.file->offset));
      EXPECT_EQ(n, static_cast<ssize_t>(res.file->length));
    } else {
      reply.body = res.body;
    }
    return reply;
  }

  std::string Initiate(const std::string& params) {
    Reply r = Call("POST", "/-/vaults/v1/jobs", params);
    EXPECT_EQ(r.status, 202) << r.body;
    return r.headers["x-amz-job-id"];
  }
  json Describe(const std::string& job) {
    Reply r = Call("GET", "/-/vaults/v1/jobs/" + job);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }

  std::string dir_;
  ManualClock clock_{1795730396};
  IdGenerator ids_{42};
  ServerOptions options_;
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<ServiceContext> context_;
  VaultRecord vault_;
  Router router_;
};

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 4093) & 0xff);
  return s;
}

TEST_F(JobsTest, ArchiveRetrievalWholeAndRanged) {
  Register({});
  std::string data = Pattern(5 * kMiB + 17);
  std::string id = AddArchive(data, "my archive");
  std::string job = Initiate(R"({"Type":"archive-retrieval","ArchiveId":")" + id + R"("})");
  json d = Describe(job);
  EXPECT_EQ(d["StatusCode"], "Succeeded");
  EXPECT_EQ(d["Completed"], true);
  EXPECT_EQ(d["RetrievalByteRange"], "0-5242896");
  EXPECT_EQ(d["ArchiveSizeInBytes"], data.size());
  std::string tree = hash::ToHex(hash::TreeHashOf(hash::AsBytes(data)));
  EXPECT_EQ(d["SHA256TreeHash"], tree);

  Reply whole = Call("GET", "/-/vaults/v1/jobs/" + job + "/output");
  EXPECT_EQ(whole.status, 200);
  EXPECT_TRUE(whole.body == data);
  EXPECT_EQ(whole.headers["x-amz-sha256-tree-hash"], tree);
  EXPECT_EQ(whole.headers["accept-ranges"], "bytes");
  EXPECT_EQ(whole.headers["x-amz-archive-description"], "my archive");

  Reply part = Call("GET", "/-/vaults/v1/jobs/" + job + "/output", "",
                    {{"range", "bytes=1048576-2097151"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_TRUE(part.body == data.substr(kMiB, kMiB));
  EXPECT_EQ(part.headers["content-range"], "bytes 1048576-2097151/5242897");
  EXPECT_EQ(part.headers["x-amz-sha256-tree-hash"],
            hash::ToHex(hash::TreeHashOf(hash::AsBytes(data.substr(kMiB, kMiB)))));

  Reply unaligned = Call("GET", "/-/vaults/v1/jobs/" + job + "/output", "", {{"range", "bytes=10-99"}});
  EXPECT_EQ(unaligned.status, 206);
  EXPECT_TRUE(unaligned.body == data.substr(10, 90));
  EXPECT_EQ(unaligned.headers.count("x-amz-sha256-tree-hash"), 0u);
}

TEST_F(JobsTest, RetrievalByteRangeJob) {
  Register({});
  std::string data = Pattern(5 * kMiB + 17);
  std::string id = AddArchive(data, "");
  std::string job = Initiate(R"({"Type":"archive-retrieval","ArchiveId":")" + id +
                             R"(","RetrievalByteRange":"4194304-5242896","Tier":"Expedited"})");
  json d = Describe(job);
  EXPECT_EQ(d["Tier"], "Expedited");
  EXPECT_EQ(d["RetrievalByteRange"], "4194304-5242896");
  std::string expect = data.substr(4 * kMiB);
  EXPECT_EQ(d["SHA256TreeHash"], hash::ToHex(hash::TreeHashOf(hash::AsBytes(expect))));
  Reply out = Call("GET", "/-/vaults/v1/jobs/" + job + "/output");
  EXPECT_EQ(out.status, 200);
  EXPECT_TRUE(out.body == expect);

  Reply bad = Call("POST", "/-/vaults/v1/jobs",
                   R"({"Type":"archive-retrieval","ArchiveId":")" + id + R"(","RetrievalByteRange":"1-1048576"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("InvalidParameterValueException"), std::string::npos);
  Reply missing = Call("POST", "/-/vaults/v1/jobs", R"({"Type":"archive-retrieval","ArchiveId":"nope"})");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("ResourceNotFoundException"), std::string::npos);
}

TEST_F(JobsTest, DelayAndExpiryFollowTheClock) {
  JobOptions options;
  options.delays = JobDelays::Uniform(4 * 3600 * 1000);
  Register(options);
  std::string id = AddArchive("hello", "d");
  std::string job = Initiate(R"({"Type":"archive-retrieval","ArchiveId":")" + id + R"(","SNSTopic":"arn:t"})");
  json d = Describe(job);
  EXPECT_EQ(d["StatusCode"], "InProgress");
  EXPECT_EQ(d["SNSTopic"], "arn:t");
  EXPECT_EQ(Call("GET", "/-/vaults/v1/jobs/" + job + "/output").status, 400);
  // Deleting the archive after initiation does not lose the staged copy.
  ASSERT_TRUE(catalog_->MarkArchiveDeleted(vault_.id, id, context_->NowMs()).value());
  ASSERT_TRUE(blobs_->RemoveArchive(id).has_value());
  clock_.Advance(4 * 3600 * 1000 - 1000);
  EXPECT_EQ(Describe(job)["StatusCode"], "InProgress");
  clock_.Advance(1000);
  d = Describe(job);
  EXPECT_EQ(d["StatusCode"], "Succeeded");
  EXPECT_EQ(d["CompletionDate"], "2026-11-27T01:59:56.000Z");
  EXPECT_EQ(Call("GET", "/-/vaults/v1/jobs/" + job + "/output").body, "hello");
  clock_.Advance(24 * 3600 * 1000 - 1000);
  EXPECT_EQ(Call("GET", "/-/vaults/v1/jobs/" + job + "/output").status, 200);
  clock_.Advance(1000);
  Reply gone = Call("GET", "/-/vaults/v1/jobs/" + job + "/output");
  EXPECT_EQ(gone.status, 404);
  EXPECT_NE(gone.body.find("ResourceNotFoundException"), std::string::npos);
  EXPECT_EQ(Call("GET", "/-/vaults/v1/jobs/" + job).status, 404);
}

TEST_F(JobsTest, InventoryAsOfCompletion) {
  JobOptions options;
  options.delays = JobDelays::Uniform(60 * 1000);
  Register(options);
  std::string a = AddArchive("aaa", "first \"quoted\" \\ one");
  clock_.Advance(1000);
  std::string b = AddArchive("bbbb", "second");
  std::string json_job = Initiate(R"({"Type":"inventory-retrieval"})");
  std::string csv_job = Initiate(R"({"Type":"inventory-retrieval","Format":"CSV"})");
  clock_.Advance(1000);
  AddArchive("cc", "made while the job ran");  // before the due time: listed
  ASSERT_TRUE(catalog_->MarkArchiveDeleted(vault_.id, a, context_->NowMs()).value());
  clock_.Advance(60 * 1000);
  AddArchive("dd", "made after completion");  // after the due time: not listed

  Reply out = Call("GET", "/-/vaults/v1/jobs/" + json_job + "/output");
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(out.headers["content-type"], "application/json");
  EXPECT_EQ(out.headers.count("x-amz-sha256-tree-hash"), 0u);
  json inv = json::parse(out.body);
  EXPECT_EQ(inv["VaultARN"], vault_.Arn());
  ASSERT_EQ(inv["ArchiveList"].size(), 2u);
  EXPECT_EQ(inv["ArchiveList"][0]["ArchiveId"], b);
  EXPECT_EQ(inv["ArchiveList"][0]["Size"], 4);
  EXPECT_EQ(inv["ArchiveList"][1]["ArchiveDescription"], "made while the job ran");
  json d = Describe(json_job);
  EXPECT_EQ(d["InventorySizeInBytes"], out.body.size());
  EXPECT_EQ(d["InventoryRetrievalParameters"]["Format"], "JSON");

  Reply csv = Call("GET", "/-/vaults/v1/jobs/" + csv_job + "/output");
  EXPECT_EQ(csv.headers["content-type"], "text/csv");
  EXPECT_TRUE(csv.body.starts_with("ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n" + b +
                                   ",\"second\","))
      << csv.body;
  auto vault = catalog_->FindVault(kAccount, "v1").value();
  ASSERT_TRUE(vault->last_inventory_ms.has_value());
}

TEST_F(JobsTest, InventoryPagesWithLimitAndMarker) {
  Register({});
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(AddArchive("x" + std::to_string(i), "n" + std::to_string(i)));
    clock_.Advance(1000);
  }
  std::string marker;
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    std::string params = R"({"Type":"inventory-retrieval","InventoryRetrievalParameters":{"Limit":"2")";
    if (!marker.empty()) params += R"(,"Marker":")" + marker + "\"";
    params += "}}";
    std::string job = Initiate(params);
    json inv = json::parse(Call("GET", "/-/vaults/v1/jobs/" + job + "/output").body);
    for (const auto& a : inv["ArchiveList"]) seen.push_back(a["ArchiveId"]);
    json d = Describe(job);
    if (d["InventoryRetrievalParameters"]["Marker"].is_null()) break;
    marker = d["InventoryRetrievalParameters"]["Marker"];
  }
  EXPECT_EQ(seen, ids);
  Reply bad = Call("POST", "/-/vaults/v1/jobs",
                   R"({"Type":"inventory-retrieval","InventoryRetrievalParameters":{"Marker":"zzz"}})");
  EXPECT_EQ(bad.status, 400);
}

TEST_F(JobsTest, ListJobsFiltersAndPages) {
  JobOptions options;
  options.delays = JobDelays::Uniform(0);
  options.delays.bulk_ms = 3600 * 1000;
  Register(options);
  std::string id = AddArchive("data", "");
  std::vector<std::string> jobs;
  for (const char* tier : {"Standard", "Bulk", "Standard"}) {
    jobs.push_back(Initiate(R"({"Type":"archive-retrieval","ArchiveId":")" + id + R"(","Tier":")" +
                            tier + "\"}"));
  }
  json all = json::parse(Call("GET", "/-/vaults/v1/jobs").body);
  ASSERT_EQ(all["JobList"].size(), 3u);
  EXPECT_TRUE(all["Marker"].is_null());
  json done = json::parse(Call("GET", "/-/vaults/v1/jobs?completed=true").body);
  EXPECT_EQ(done["JobList"].size(), 2u);
  json running = json::parse(Call("GET", "/-/vaults/v1/jobs?statuscode=InProgress").body);
  ASSERT_EQ(running["JobList"].size(), 1u);
  EXPECT_EQ(running["JobList"][0]["JobId"], jobs[1]);
  json page1 = json::parse(Call("GET", "/-/vaults/v1/jobs?limit=2").body);
  ASSERT_EQ(page1["JobList"].size(), 2u);
  ASSERT_TRUE(page1["Marker"].is_string());
  json page2 = json::parse(
      Call("GET", "/-/vaults/v1/jobs?limit=2&marker=" + page1["Marker"].get<std::string>()).body);
  ASSERT_EQ(page2["JobList"].size(), 1u);
  EXPECT_EQ(page2["JobList"][0]["JobId"], jobs[2]);
  EXPECT_EQ(Call("GET", "/-/vaults/v1/jobs?completed=maybe").status, 400);
  EXPECT_EQ(Call("GET", "/-/vaults/v1/jobs?statuscode=Done").status, 400);
}

TEST_F(JobsTest, TestClockRouteOnlyWhenAsked) {
  Register({});
  EXPECT_EQ(Call("POST", "/-/mtglacier-test/clock?advance=1h").status, -1);
}

TEST_F(JobsTest, TestClockMovesJobTimeOnly) {
  JobOptions options;
  options.delays = JobDelays::Uniform(4 * 3600 * 1000);
  options.test_clock = true;
  Register(options);
  std::string id = AddArchive("abc", "");
  std::string job = Initiate(R"({"Type":"archive-retrieval","ArchiveId":")" + id + "\"}");
  EXPECT_EQ(Describe(job)["StatusCode"], "InProgress");
  Reply r = Call("POST", "/-/mtglacier-test/clock?advance=4h");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["OffsetMs"], 4 * 3600 * 1000);
  EXPECT_EQ(Describe(job)["StatusCode"], "Succeeded");
  EXPECT_EQ(Call("POST", "/-/mtglacier-test/clock?advance=soon").status, 400);
  EXPECT_EQ(Call("POST", "/-/mtglacier-test/clock").status, 400);
}

}  // namespace
}  // namespace mtg::server
